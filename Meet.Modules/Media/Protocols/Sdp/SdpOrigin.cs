namespace Meet.Modules.Media.Protocols.Sdp;

// o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> (RFC 8866 §5.2).
// The session id stays text: it only has to be unique, and some stacks exceed 64 bits.
public sealed record SdpOrigin(string Username, string SessionId, ulong SessionVersion, string NetType, string AddressType, string Address)
{
    public override string ToString() => $"{Username} {SessionId} {SdpText.Format(SessionVersion)} {NetType} {AddressType} {Address}";

    internal static bool TryParse(string value, out SdpOrigin? origin)
    {
        origin = null;
        string[] t = SdpText.Tokens(value);
        // sess-id = 1*DIGIT (RFC 8866 §9); only the version is used as a number.
        if (t.Length != 6 || t[1].Length > 64 || !t[1].All(char.IsAsciiDigit) || !SdpText.TryULong(t[2], out ulong version))
        {
            return false;
        }

        origin = new SdpOrigin(t[0], t[1], version, t[3], t[4], t[5]);
        return true;
    }
}
