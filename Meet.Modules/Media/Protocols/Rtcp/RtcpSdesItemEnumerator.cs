using System.Buffers.Binary;

namespace Meet.Modules.Media.Protocols.Rtcp;

// Flattens SDES chunks into (SSRC, item type, value) triples. Only created over chunks RtcpSdes
// has already validated.
public ref struct RtcpSdesItemEnumerator
{
    private readonly ReadOnlySpan<byte> _chunks;
    private int _chunksLeft;
    private int _chunkStart;
    private int _offset;

    internal RtcpSdesItemEnumerator(ReadOnlySpan<byte> chunks, int chunkCount)
    {
        _chunks = chunks;
        _chunksLeft = chunkCount;
        _chunkStart = 0;
        _offset = -1;
        CurrentSsrc = 0;
        CurrentType = 0;
        CurrentValue = default;
    }

    public uint CurrentSsrc { get; private set; }

    public byte CurrentType { get; private set; }

    public ReadOnlySpan<byte> CurrentValue { get; private set; }

    public bool MoveNext()
    {
        while (true)
        {
            if (_offset < 0)
            {
                if (_chunksLeft == 0)
                    return false;
                CurrentSsrc = BinaryPrimitives.ReadUInt32BigEndian(_chunks[_chunkStart..]);
                _offset = _chunkStart + 4;
            }
            if (_chunks[_offset] == 0)
            {
                RtcpSdes.TryMeasureChunk(_chunks[_chunkStart..], out var length);
                _chunkStart += length;
                _chunksLeft--;
                _offset = -1;
                continue;
            }
            CurrentType = _chunks[_offset];
            CurrentValue = _chunks.Slice(_offset + 2, _chunks[_offset + 1]);
            _offset += 2 + CurrentValue.Length;
            return true;
        }
    }
}
