namespace Meet.Modules.Media.Protocols.Sdp;

// a=rtcp-fb:<payload type|*> <type> [<parameter>] (RFC 4585 §4.2), e.g. "96 nack pli", "96 transport-cc".
// A null PayloadType is the "*" wildcard.
public sealed record SdpRtcpFeedback(int? PayloadType, string Type, string? Parameter = null)
{
    public override string ToString()
    {
        string pt = PayloadType is { } p ? SdpText.Format(p) : "*";
        return Parameter is null ? $"{pt} {Type}" : $"{pt} {Type} {Parameter}";
    }

    internal static bool TryParse(string value, out SdpRtcpFeedback? feedback)
    {
        feedback = null;
        var (pt, rest) = SdpText.SplitFirst(value);
        var (type, parameter) = SdpText.SplitFirst(rest);
        if (type.Length == 0)
        {
            return false;
        }

        int? payloadType = null;
        if (pt != "*")
        {
            if (!SdpText.TryInt(pt, 0, 127, out int p))
            {
                return false;
            }

            payloadType = p;
        }

        feedback = new SdpRtcpFeedback(payloadType, type, parameter.Length == 0 ? null : parameter);
        return true;
    }
}
