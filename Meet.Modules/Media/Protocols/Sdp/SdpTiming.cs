namespace Meet.Modules.Media.Protocols.Sdp;

// t=<start-time> <stop-time> (RFC 8866 §5.9); WebRTC always sends "0 0" (unbounded). Repeat (r=)
// lines belong to the t= line they follow and are kept verbatim.
public sealed record SdpTiming(ulong Start, ulong Stop)
{
    public List<string> Repeats { get; init; } = [];

    public override string ToString() => $"{SdpText.Format(Start)} {SdpText.Format(Stop)}";

    internal static bool TryParse(string value, out SdpTiming? timing)
    {
        timing = null;
        string[] t = SdpText.Tokens(value);
        if (t.Length != 2 || !SdpText.TryULong(t[0], out ulong start) || !SdpText.TryULong(t[1], out ulong stop))
        {
            return false;
        }

        timing = new SdpTiming(start, stop);
        return true;
    }
}
