using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Meet.Modules.Media.Protocols.Sdp;

// a=candidate (RFC 8839 §5.1):
//   candidate:<foundation> <component-id> <transport> <priority> <connection-address> <port> typ <cand-type>
//             [raddr <address>] [rport <port>] *(<extension-name> <extension-value>)
// tcptype (RFC 6544 §4.5) is typed; other extensions (generation, ufrag, network-id, network-cost)
// are kept in order. The same text, without "a=", travels in trickle-ICE signalling messages.
public sealed record SdpCandidate
{
    private const string Prefix = "candidate:";

    public required string Foundation { get; init; }

    public int Component { get; init; } = 1;

    // "udp" or "tcp" (case-insensitive on input, RFC 8839 §5.1).
    public required string Transport { get; init; }

    public required uint Priority { get; init; }

    // An IP address, or an mDNS name (<uuid>.local) when the browser hides host addresses.
    public required string Address { get; init; }

    public required int Port { get; init; }

    public required SdpCandidateType Type { get; init; }

    public string? RelatedAddress { get; init; }

    public int? RelatedPort { get; init; }

    // active | passive | so, for TCP candidates.
    public string? TcpType { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Extensions { get; init; } = [];

    public string? GetExtension(string name) => Extensions.FirstOrDefault(e => e.Key == name).Value;

    // Accepts "candidate:..." (the attribute value or a trickle message) or the bare fields.
    public static bool TryParse(string? text, [NotNullWhen(true)] out SdpCandidate? candidate)
    {
        candidate = null;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            text = text[Prefix.Length..];
        }

        return TryParseFields(text, out candidate);
    }

    // The a=candidate value without the "candidate:" name: "<foundation> 1 udp ...".
    public string ToFieldString()
    {
        var sb = new StringBuilder(128);
        sb.Append(Foundation).Append(' ').Append(Component).Append(' ').Append(Transport).Append(' ')
            .Append(Priority).Append(' ').Append(Address).Append(' ').Append(Port).Append(" typ ").Append(Type.ToText());
        if (RelatedAddress is not null)
        {
            sb.Append(" raddr ").Append(RelatedAddress);
        }

        if (RelatedPort is { } rport)
        {
            sb.Append(" rport ").Append(rport);
        }

        if (TcpType is not null)
        {
            sb.Append(" tcptype ").Append(TcpType);
        }

        foreach (var (name, value) in Extensions)
        {
            sb.Append(' ').Append(name).Append(' ').Append(value);
        }

        return sb.ToString();
    }

    // "candidate:<fields>", as trickle ICE carries it (RTCIceCandidate.candidate).
    public override string ToString() => Prefix + ToFieldString();

    internal static bool TryParseFields(string value, [NotNullWhen(true)] out SdpCandidate? candidate)
    {
        candidate = null;
        string[] t = SdpText.Tokens(value);
        // RFC 8839 §5.1: foundation is 1*32 ice-chars.
        if (t.Length < 8 || t.Length % 2 != 0 || t[0].Length > 32
            || !SdpText.TryInt(t[1], 1, 256, out int component)
            || !SdpText.IsToken(t[2])
            || !SdpText.TryUInt(t[3], out uint priority)
            || !SdpText.TryInt(t[5], 0, 65535, out int port)
            || t[6] != "typ"
            || !SdpEnums.TryParseCandidateType(t[7], out SdpCandidateType type))
        {
            return false;
        }

        string? relatedAddress = null, tcpType = null;
        int? relatedPort = null;
        var extensions = new List<KeyValuePair<string, string>>();
        for (int i = 8; i < t.Length; i += 2)
        {
            switch (t[i])
            {
                case "raddr" when relatedAddress is null:
                    relatedAddress = t[i + 1];
                    break;
                case "rport" when relatedPort is null:
                    if (!SdpText.TryInt(t[i + 1], 0, 65535, out int rport))
                    {
                        return false;
                    }

                    relatedPort = rport;
                    break;
                case "tcptype" when tcpType is null:
                    tcpType = t[i + 1];
                    break;
                default:
                    extensions.Add(new KeyValuePair<string, string>(t[i], t[i + 1]));
                    break;
            }
        }

        candidate = new SdpCandidate
        {
            Foundation = t[0],
            Component = component,
            Transport = t[2],
            Priority = priority,
            Address = t[4],
            Port = port,
            Type = type,
            RelatedAddress = relatedAddress,
            RelatedPort = relatedPort,
            TcpType = tcpType,
            Extensions = extensions,
        };
        return true;
    }
}
