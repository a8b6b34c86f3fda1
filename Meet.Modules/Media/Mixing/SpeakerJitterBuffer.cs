using System.Diagnostics;

namespace Meet.Modules.Media.Mixing;

// One mixed speaker's packets, ordered by RTP sequence number, played out one packet per step. It
// starts after PrefillPackets (40 ms) so reordering within that window costs nothing; a missing packet
// is concealed (FEC from its successor when that is here, else PLC) and its sequence number skipped
// only once later packets prove it lost; with nothing buffered it conceals without consuming a number,
// so a packet merely late still plays (the delay grows by a frame). Delay beyond MaxDelayPackets is
// trimmed, and UnderrunLimit steps without any packet (the speaker stopped, or DTX) stop playout.
// Push runs on the packet path, Pop on a mixer worker; the lock is uncontended and held for a copy.
// Fixed storage: nothing is allocated after construction.
internal sealed class SpeakerJitterBuffer
{
    public const int Capacity = 32;
    public const int PrefillPackets = 2;
    public const int MaxDelayPackets = 8;
    public const int UnderrunLimit = 5;

    private readonly byte[] _payloads = new byte[Capacity * MixFormat.MaxPacketBytes];
    private readonly int[] _lengths = new int[Capacity];
    private readonly ushort[] _sequences = new ushort[Capacity];
    private readonly long[] _arrivals = new long[Capacity];
    private readonly Lock _lock = new();
    private bool _anyPacket;
    private bool _playing;
    private ushort _next;       // the next sequence number to play
    private ushort _newest;     // the highest sequence number received
    private int _underruns;

    public long Late { get; private set; }

    public long Concealed { get; private set; }

    public long FecRecovered { get; private set; }

    public long Trimmed { get; private set; }

    // Arrival (Stopwatch ticks) of the packet the last Pop returned, for the mixer's latency figures.
    public long LastArrival { get; private set; }

    public bool IsPlaying
    {
        get
        {
            lock (_lock)
                return _playing;
        }
    }

    // False (and counted as late) for a packet whose turn has passed, a duplicate or an oversize one.
    public bool Push(ushort sequence, ReadOnlySpan<byte> payload)
    {
        if (payload.Length is 0 or > MixFormat.MaxPacketBytes)
            return false;
        var arrival = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            if (!_anyPacket)
            {
                _anyPacket = true;
                _next = sequence;
                _newest = sequence;
            }
            else if (_playing && IsBefore(sequence, _next))
            {
                Late++;
                return false;
            }
            else if (!_playing && IsBefore(sequence, _next))
            {
                // Reordered before the first packet seen: start from it instead, if it still fits.
                if ((ushort)(_newest - sequence) >= Capacity)
                    return false;
                _next = sequence;
            }
            else if ((ushort)(sequence - _next) >= Capacity)
            {
                // A jump (the publisher restarted, or a long outage): start over from this packet.
                Clear();
                _anyPacket = true;
                _next = sequence;
                _newest = sequence;
            }
            var index = sequence % Capacity;
            if (_lengths[index] != 0 && _sequences[index] == sequence)
                return false;
            payload.CopyTo(_payloads.AsSpan(index * MixFormat.MaxPacketBytes));
            _lengths[index] = payload.Length;
            _sequences[index] = sequence;
            _arrivals[index] = arrival;
            if (IsBefore(_newest, sequence))
                _newest = sequence;
            if (!_playing && (ushort)(_newest - _next) + 1 >= PrefillPackets)
            {
                _playing = true;
                _underruns = 0;
            }
            return true;
        }
    }

    // The next playout step; for Packet and Fec the bytes to decode are copied into destination.
    public JitterFrameKind Pop(Span<byte> destination, out int length)
    {
        length = 0;
        lock (_lock)
        {
            if (!_playing)
                return JitterFrameKind.Silence;
            while ((ushort)(_newest - _next) >= MaxDelayPackets && (ushort)(_newest - _next) < 0x8000)
            {
                Take(_next, default, out _);
                _next++;
                Trimmed++;
            }
            if (Take(_next, destination, out length))
            {
                _next++;
                _underruns = 0;
                return JitterFrameKind.Packet;
            }
            if (IsBefore(_newest, _next))
            {
                // Nothing buffered at all: conceal in place; a delayed packet can still take its turn.
                if (++_underruns > UnderrunLimit)
                {
                    _playing = false;
                    _anyPacket = false;
                    return JitterFrameKind.Silence;
                }
                Concealed++;
                return JitterFrameKind.Lost;
            }
            // Later packets are here, so this one is lost: skip it, recovering it from its successor's FEC.
            _next++;
            _underruns = 0;
            var successor = (ushort)_next;
            var index = successor % Capacity;
            if (_lengths[index] != 0 && _sequences[index] == successor)
            {
                length = _lengths[index];
                _payloads.AsSpan(index * MixFormat.MaxPacketBytes, length).CopyTo(destination);
                FecRecovered++;
                return JitterFrameKind.Fec;
            }
            Concealed++;
            return JitterFrameKind.Lost;
        }
    }

    public void Reset()
    {
        lock (_lock)
            Clear();
    }

    private bool Take(ushort sequence, Span<byte> destination, out int length)
    {
        var index = sequence % Capacity;
        length = _lengths[index];
        if (length == 0 || _sequences[index] != sequence)
        {
            length = 0;
            return false;
        }
        if (!destination.IsEmpty)
            _payloads.AsSpan(index * MixFormat.MaxPacketBytes, length).CopyTo(destination);
        LastArrival = _arrivals[index];
        _lengths[index] = 0;
        return true;
    }

    private void Clear()
    {
        Array.Clear(_lengths);
        _anyPacket = false;
        _playing = false;
        _underruns = 0;
    }

    private static bool IsBefore(ushort a, ushort b) => a != b && (ushort)(b - a) < 0x8000;
}
