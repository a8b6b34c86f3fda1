namespace Meet.Modules.Media.Protocols.Sdp;

// c=<nettype> <addrtype> <connection-address> (RFC 8866 §5.7). With ICE the address is informational:
// the default candidate's, or 0.0.0.0 (RFC 8839 §4.2.1.2).
public sealed record SdpConnection(string NetType, string AddressType, string Address)
{
    public static SdpConnection Ipv4(string address) => new("IN", "IP4", address);

    public override string ToString() => $"{NetType} {AddressType} {Address}";

    internal static bool TryParse(string value, out SdpConnection? connection)
    {
        string[] t = SdpText.Tokens(value);
        connection = t.Length == 3 ? new SdpConnection(t[0], t[1], t[2]) : null;
        return connection is not null;
    }
}
