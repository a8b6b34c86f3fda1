namespace Meet.Modules.Media.Protocols.Sdp;

// a=msid:<stream id> [<track id>] (RFC 8830 §2): the MediaStream the m-section's track belongs to.
public sealed record SdpMsid(string StreamId, string? TrackId = null)
{
    public override string ToString() => TrackId is null ? StreamId : StreamId + " " + TrackId;

    internal static bool TryParse(string value, out SdpMsid? msid)
    {
        string[] t = SdpText.Tokens(value);
        msid = t.Length switch
        {
            1 => new SdpMsid(t[0]),
            2 => new SdpMsid(t[0], t[1]),
            _ => null,
        };
        return msid is not null;
    }
}
