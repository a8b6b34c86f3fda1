namespace Meet.Modules.Media.Protocols.Sdp;

// a=fmtp:<payload type> <format parameters> (RFC 8866 §6.15). The parameters are codec-specific; most
// are "k=v;k=v" (RFC 4855) but not all (RED's "111/111"), so they are kept verbatim.
public sealed record SdpFmtp(int PayloadType, string Parameters)
{
    // "k=v;k=v" parameters as pairs, for the codecs that use that form (apt for RTX, profile-level-id...).
    public IReadOnlyDictionary<string, string> GetParameters()
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string pair in Parameters.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = pair.IndexOf('=');
            if (eq > 0)
            {
                result[pair[..eq]] = pair[(eq + 1)..];
            }
        }

        return result;
    }

    // RFC 4588 §8.6: an RTX payload type names the payload type it repairs with apt=.
    public int? AssociatedPayloadType =>
        GetParameters().TryGetValue("apt", out string? apt) && SdpText.TryInt(apt, 0, 127, out int pt) ? pt : null;

    public override string ToString() => $"{PayloadType} {Parameters}";

    internal static bool TryParse(string value, out SdpFmtp? fmtp)
    {
        var (pt, parameters) = SdpText.SplitFirst(value);
        fmtp = SdpText.TryInt(pt, 0, 127, out int payloadType) && parameters.Length > 0 ? new SdpFmtp(payloadType, parameters) : null;
        return fmtp is not null;
    }
}
