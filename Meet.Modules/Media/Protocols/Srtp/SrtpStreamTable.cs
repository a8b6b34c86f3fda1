namespace Meet.Modules.Media.Protocols.Srtp;

// SSRC -> stream state, with the last hit cached: consecutive packets nearly always share an SSRC.
internal sealed class SrtpStreamTable
{
    private readonly Dictionary<uint, SrtpStream> _streams = [];
    private SrtpStream? _last;
    private uint _lastSsrc;

    public int Count => _streams.Count;

    public SrtpStream? Find(uint ssrc)
    {
        if (_last is not null && _lastSsrc == ssrc)
        {
            return _last;
        }

        if (_streams.TryGetValue(ssrc, out var stream))
        {
            _last = stream;
            _lastSsrc = ssrc;
        }

        return stream;
    }

    public SrtpStream GetOrAdd(uint ssrc)
    {
        var stream = Find(ssrc);
        if (stream is null)
        {
            stream = new SrtpStream();
            _streams.Add(ssrc, stream);
            _last = stream;
            _lastSsrc = ssrc;
        }

        return stream;
    }

    public bool Remove(uint ssrc)
    {
        if (_last is not null && _lastSsrc == ssrc)
        {
            _last = null;
        }

        return _streams.Remove(ssrc);
    }

    // Forgets every stream's replay state without allocating (benchmarks replay a fixed ring of
    // packets through one context).
    public void ResetReplayState()
    {
        foreach (var stream in _streams.Values)
        {
            stream.Rtp = default;
            stream.Rtcp = default;
        }
    }
}
