namespace Meet.Modules.Media.Protocols.Sdp;

// a=rtpmap:<payload type> <encoding name>/<clock rate>[/<channels>] (RFC 8866 §6.6).
public sealed record SdpRtpMap(int PayloadType, string EncodingName, int ClockRate, int? Channels = null)
{
    public override string ToString() =>
        Channels is { } c ? $"{PayloadType} {EncodingName}/{ClockRate}/{c}" : $"{PayloadType} {EncodingName}/{ClockRate}";

    internal static bool TryParse(string value, out SdpRtpMap? rtpMap)
    {
        rtpMap = null;
        var (pt, encoding) = SdpText.SplitFirst(value);
        string[] parts = encoding.Split('/');
        if (!SdpText.TryInt(pt, 0, 127, out int payloadType) || parts.Length is < 2 or > 3 || !SdpText.IsToken(parts[0])
            || !SdpText.TryInt(parts[1], 1, int.MaxValue, out int clockRate))
        {
            return false;
        }

        int? channels = null;
        if (parts.Length == 3)
        {
            if (!SdpText.TryInt(parts[2], 1, 255, out int c))
            {
                return false;
            }

            channels = c;
        }

        rtpMap = new SdpRtpMap(payloadType, parts[0], clockRate, channels);
        return true;
    }
}
