namespace Meet.Modules.Media.Protocols.Sdp;

// a=simulcast:[send <streams>] [recv <streams>] (RFC 8853 §5.1). Streams are ';'-separated; each stream is a
// ','-separated list of alternative rids. Chrome's "send q;h;f" is three streams of one rid each.
public sealed record SdpSimulcast(IReadOnlyList<IReadOnlyList<SdpSimulcastRid>> Send, IReadOnlyList<IReadOnlyList<SdpSimulcastRid>> Recv)
{
    public static SdpSimulcast SendingRids(params string[] rids) => new(rids.Select(r => (IReadOnlyList<SdpSimulcastRid>)[new SdpSimulcastRid(r)]).ToArray(), []);

    public static SdpSimulcast ReceivingRids(params string[] rids) => new([], rids.Select(r => (IReadOnlyList<SdpSimulcastRid>)[new SdpSimulcastRid(r)]).ToArray());

    // The first alternative of every stream, in order: the layers the SFU expects.
    public IReadOnlyList<string> SendRids => Send.Select(s => s[0].Rid).ToArray();

    public IReadOnlyList<string> RecvRids => Recv.Select(s => s[0].Rid).ToArray();

    // What the answerer writes back: the same streams with the direction swapped (RFC 8853 §5.3).
    public SdpSimulcast Reverse() => new(Recv, Send);

    public override string ToString()
    {
        var parts = new List<string>(4);
        if (Send.Count > 0)
        {
            parts.Add("send");
            parts.Add(Format(Send));
        }

        if (Recv.Count > 0)
        {
            parts.Add("recv");
            parts.Add(Format(Recv));
        }

        return string.Join(' ', parts);
    }

    internal static bool TryParse(string value, out SdpSimulcast? simulcast)
    {
        simulcast = null;
        string[] t = SdpText.Tokens(value);
        IReadOnlyList<IReadOnlyList<SdpSimulcastRid>> send = [];
        IReadOnlyList<IReadOnlyList<SdpSimulcastRid>> recv = [];
        bool seenSend = false, seenRecv = false;
        if (t.Length is not (2 or 4))
        {
            return false;
        }

        for (int i = 0; i < t.Length; i += 2)
        {
            if (!TryParseStreams(t[i + 1], out var streams))
            {
                return false;
            }

            if (t[i] == "send" && !seenSend)
            {
                send = streams;
                seenSend = true;
            }
            else if (t[i] == "recv" && !seenRecv)
            {
                recv = streams;
                seenRecv = true;
            }
            else
            {
                return false;
            }
        }

        simulcast = new SdpSimulcast(send, recv);
        return true;
    }

    private static string Format(IReadOnlyList<IReadOnlyList<SdpSimulcastRid>> streams) =>
        string.Join(';', streams.Select(alternatives => string.Join(',', alternatives)));

    private static bool TryParseStreams(string text, out IReadOnlyList<IReadOnlyList<SdpSimulcastRid>> streams)
    {
        var result = new List<IReadOnlyList<SdpSimulcastRid>>();
        streams = result;
        foreach (string stream in text.Split(';'))
        {
            var alternatives = new List<SdpSimulcastRid>();
            foreach (string alternative in stream.Split(','))
            {
                bool paused = alternative.StartsWith('~');
                string rid = paused ? alternative[1..] : alternative;
                if (rid.Length == 0 || !rid.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                {
                    return false;
                }

                alternatives.Add(new SdpSimulcastRid(rid, paused));
            }

            result.Add(alternatives);
        }

        return true;
    }
}
