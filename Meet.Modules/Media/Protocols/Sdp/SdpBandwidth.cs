namespace Meet.Modules.Media.Protocols.Sdp;

// b=<bwtype>:<bandwidth> (RFC 8866 §5.8), e.g. AS (kbit/s) or TIAS (bit/s, RFC 3890).
public sealed record SdpBandwidth(string Type, long Value)
{
    public override string ToString() => $"{Type}:{SdpText.Format(Value)}";

    internal static bool TryParse(string value, out SdpBandwidth? bandwidth)
    {
        bandwidth = null;
        var (type, amount) = SdpText.SplitAttribute(value);
        if (!SdpText.IsToken(type) || amount is null || !SdpText.TryLong(amount, out long parsed))
        {
            return false;
        }

        bandwidth = new SdpBandwidth(type, parsed);
        return true;
    }
}
