using System.Globalization;
using System.Net;
using System.Text;
using Meet.PacketEngine;

namespace Meet.Modules.Media.Protocols.Ice;

// One SDP candidate attribute (RFC 8839 §5.1, RFC 6544 §4.5 for tcptype):
//
//   candidate:<foundation> <component-id> <transport> <priority>
//             <connection-address> <port> typ <cand-type>
//             [raddr <connection-address>] [rport <port>]
//             *(SP extension-att-name SP extension-att-value)
//
// Candidates are control-plane objects (one per SDP line), so this is a class and allocates freely.
public sealed class IceCandidate
{
    // RFC 8445 §5.1.2.2 recommended type preferences.
    private const int HostPreference = 126;
    private const int PeerReflexivePreference = 110;
    private const int ServerReflexivePreference = 100;
    private const int RelayedPreference = 0;

    public required string Foundation { get; init; }

    public int Component { get; init; } = 1;

    public IceTransportProtocol Protocol { get; init; } = IceTransportProtocol.Udp;

    public uint Priority { get; init; }

    // Verbatim connection address: an IP literal, or an mDNS name such as "<uuid>.local".
    public required string Host { get; init; }

    public ushort Port { get; init; }

    public IceCandidateType Type { get; init; } = IceCandidateType.Host;

    public string? RelatedAddress { get; init; }

    public ushort? RelatedPort { get; init; }

    public IceTcpType TcpType { get; init; }

    // Extension attributes we do not interpret (generation, ufrag, network-id, network-cost ...),
    // kept in order so a re-serialised line says what the peer said.
    public IReadOnlyList<KeyValuePair<string, string>> Extensions { get; init; } = [];

    // Empty when Host is not an IP literal (mDNS candidates need resolving first).
    public PacketAddress Address =>
        IPAddress.TryParse(Host, out var ip) ? PacketAddress.FromEndPoint(new IPEndPoint(ip, Port)) : default;

    // RFC 8445 §5.1.2.1: priority = 2^24·type-pref + 2^8·local-pref + (256 − component).
    public static uint ComputePriority(IceCandidateType type, ushort localPreference, int component)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(component, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(component, 256);
        var typePreference = type switch
        {
            IceCandidateType.Host => HostPreference,
            IceCandidateType.PeerReflexive => PeerReflexivePreference,
            IceCandidateType.ServerReflexive => ServerReflexivePreference,
            _ => RelayedPreference,
        };
        return (uint)(typePreference << 24) + (uint)(localPreference << 8) + (uint)(256 - component);
    }

    // A host candidate for one of the server's sockets. For TCP (RFC 6544 §4.2) the local
    // preference folds in the direction: passive-only host candidates use direction-pref 4.
    public static IceCandidate CreateHost(string foundation, PacketAddress address, IceTransportProtocol protocol,
        ushort localPreference = 65535, int component = 1)
    {
        var tcp = protocol == IceTransportProtocol.Tcp;
        var preference = tcp ? (ushort)((4 << 13) | (localPreference & 0x1FFF)) : localPreference;
        return new IceCandidate
        {
            Foundation = foundation,
            Component = component,
            Protocol = protocol,
            Priority = ComputePriority(IceCandidateType.Host, preference, component),
            Host = address.ToEndPoint().Address.ToString(),
            Port = address.Port,
            Type = IceCandidateType.Host,
            TcpType = tcp ? IceTcpType.Passive : IceTcpType.None,
        };
    }

    public static bool TryParse(string? line, out IceCandidate candidate)
    {
        candidate = null!;
        if (line is null)
            return false;
        var text = line.AsSpan().Trim();
        if (text.StartsWith("a=", StringComparison.Ordinal))
            text = text[2..];
        if (!text.StartsWith("candidate:", StringComparison.OrdinalIgnoreCase))
            return false;
        var fields = text["candidate:".Length..].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 8 || !fields[6].Equals("typ", StringComparison.Ordinal))
            return false;
        if (!int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var component)
            || component is < 1 or > 256)
            return false;
        if (!TryParseProtocol(fields[2], out var protocol)
            || !uint.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var priority)
            || !ushort.TryParse(fields[5], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || !TryParseType(fields[7], out var type))
            return false;

        string? relatedAddress = null;
        ushort? relatedPort = null;
        var tcpType = IceTcpType.None;
        var extensions = new List<KeyValuePair<string, string>>();
        for (var i = 8; i + 1 < fields.Length; i += 2)
        {
            var (name, value) = (fields[i], fields[i + 1]);
            switch (name)
            {
                case "raddr":
                    relatedAddress = value;
                    break;
                case "rport":
                    if (!ushort.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var rport))
                        return false;
                    relatedPort = rport;
                    break;
                case "tcptype":
                    if (!TryParseTcpType(value, out tcpType))
                        return false;
                    break;
                default:
                    extensions.Add(new(name, value));
                    break;
            }
        }
        if ((fields.Length - 8) % 2 != 0)
            return false;

        candidate = new IceCandidate
        {
            Foundation = fields[0],
            Component = component,
            Protocol = protocol,
            Priority = priority,
            Host = fields[4],
            Port = port,
            Type = type,
            RelatedAddress = relatedAddress,
            RelatedPort = relatedPort,
            TcpType = tcpType,
            Extensions = extensions,
        };
        return true;
    }

    // The attribute value, without the "a=" prefix.
    public override string ToString()
    {
        var builder = new StringBuilder(96);
        builder.Append(CultureInfo.InvariantCulture,
            $"candidate:{Foundation} {Component} {(Protocol == IceTransportProtocol.Udp ? "udp" : "tcp")} {Priority} {Host} {Port} typ {TypeName(Type)}");
        if (RelatedAddress is not null)
            builder.Append(" raddr ").Append(RelatedAddress);
        if (RelatedPort is { } rport)
            builder.Append(CultureInfo.InvariantCulture, $" rport {rport}");
        if (TcpType != IceTcpType.None)
            builder.Append(" tcptype ").Append(TcpTypeName(TcpType));
        foreach (var (name, value) in Extensions)
            builder.Append(' ').Append(name).Append(' ').Append(value);
        return builder.ToString();
    }

    private static bool TryParseProtocol(string value, out IceTransportProtocol protocol)
    {
        // Transport names are case-insensitive (RFC 8839 §5.1); Firefox historically sent "UDP".
        protocol = value.Equals("udp", StringComparison.OrdinalIgnoreCase) ? IceTransportProtocol.Udp : IceTransportProtocol.Tcp;
        return value.Equals("udp", StringComparison.OrdinalIgnoreCase) || value.Equals("tcp", StringComparison.OrdinalIgnoreCase);
    }

    private static bool TryParseType(string value, out IceCandidateType type)
    {
        (var ok, type) = value switch
        {
            "host" => (true, IceCandidateType.Host),
            "srflx" => (true, IceCandidateType.ServerReflexive),
            "prflx" => (true, IceCandidateType.PeerReflexive),
            "relay" => (true, IceCandidateType.Relayed),
            _ => (false, IceCandidateType.Host),
        };
        return ok;
    }

    private static bool TryParseTcpType(string value, out IceTcpType type)
    {
        (var ok, type) = value switch
        {
            "active" => (true, IceTcpType.Active),
            "passive" => (true, IceTcpType.Passive),
            "so" => (true, IceTcpType.SimultaneousOpen),
            _ => (false, IceTcpType.None),
        };
        return ok;
    }

    private static string TypeName(IceCandidateType type) => type switch
    {
        IceCandidateType.Host => "host",
        IceCandidateType.ServerReflexive => "srflx",
        IceCandidateType.PeerReflexive => "prflx",
        _ => "relay",
    };

    private static string TcpTypeName(IceTcpType type) => type switch
    {
        IceTcpType.Active => "active",
        IceTcpType.Passive => "passive",
        _ => "so",
    };
}
