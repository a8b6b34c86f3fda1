using System.Diagnostics;

namespace Meet.Modules.Media.Mixing;

// One mixed speaker's packets, ordered by RTP sequence number, played out one packet per step. Its
// delay adapts to the jitter it observes (issue 17: a fixed 40 ms prefill that only ever grew made the
// mixer's p50 latency 144 ms under load):
// - it starts with the first packet (PrefillPackets = 1), so on a steady path a packet plays at the first
//   mixer frame after it arrived; packets reordered before that first step still play in order;
// - it grows by itself: with nothing buffered a step conceals without consuming a sequence number, so the
//   packet merely late still plays, one frame later than planned (the delay grew by the jitter seen);
// - it shrinks when it was deeper than needed: when every step of the last ShrinkWindow steps found at
//   least n packets beyond the one it played (the observed jitter never needed them), TakeShrink tells
//   the channel, on each of the next n steps, to play one packet's worth faster (MixerChannel
//   time-compresses it by a pitch period, so a voice or a tone stays continuous). An underrun restarts
//   that window;
// - a playout (re)starts at most StartDepth packets deep: a burst that arrived while it was stopped
//   (a stall upstream) is stale, and playing it would start the speaker that much late.
// A missing packet is concealed (FEC from its successor when that is here, else PLC) and its sequence
// number skipped only once later packets prove it lost. Delay beyond MaxDelayPackets is trimmed, and
// UnderrunLimit steps without any packet (the speaker stopped, or DTX) stop playout.
// Push runs on the packet path, Pop on a mixer worker; the lock is uncontended and held for a copy.
// Fixed storage: nothing is allocated after construction.
internal sealed class SpeakerJitterBuffer
{
    public const int Capacity = 32;
    public const int PrefillPackets = 1;
    public const int MaxDelayPackets = 8;
    public const int UnderrunLimit = 5;

    // Steps (one second) that must each find a spare packet before the delay shrinks.
    public const int ShrinkWindow = 50;

    // Packets a playout starts with at most: the first and one reordered or jittered behind it.
    public const int StartDepth = 2;

    private readonly byte[] _payloads = new byte[Capacity * MixFormat.MaxPacketBytes];
    private readonly int[] _lengths = new int[Capacity];
    private readonly ushort[] _sequences = new ushort[Capacity];
    private readonly long[] _arrivals = new long[Capacity];
    private readonly Lock _lock = new();
    private bool _anyPacket;
    private bool _playing;
    private bool _popped;       // a step has consumed a sequence number since playout (re)started
    private int _windowSteps;
    private int _windowMinSpare;
    private int _shrinkBudget;
    private ushort _next;       // the next sequence number to play
    private ushort _newest;     // the highest sequence number received
    private int _underruns;

    public long Late { get; private set; }

    public long Concealed { get; private set; }

    public long FecRecovered { get; private set; }

    public long Trimmed { get; private set; }

    // Steps that found nothing buffered (the jitter exceeded the delay, which grew by a frame).
    public long Underruns { get; private set; }

    public long Shrinks { get; private set; }

    // Packets waiting for their step (right after a step: the delay the buffer holds, in frames).
    public int Depth
    {
        get
        {
            lock (_lock)
                return !_playing || IsBefore(_newest, _next) ? 0 : (ushort)(_newest - _next) + 1;
        }
    }

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
            else if (_popped && IsBefore(sequence, _next))
            {
                Late++;
                return false;
            }
            else if (IsBefore(sequence, _next))
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
                RestartWindow();
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
            if (!_popped)
            {
                while ((ushort)(_newest - _next) + 1 > StartDepth && (ushort)(_newest - _next) < 0x8000)
                {
                    Take(_next, default, out _);
                    _next++;
                    Trimmed++;
                }
            }
            if (Take(_next, destination, out length))
            {
                _next++;
                _underruns = 0;
                _popped = true;
                CountSpare();
                return JitterFrameKind.Packet;
            }
            if (IsBefore(_newest, _next))
            {
                // Nothing buffered at all: conceal in place; a delayed packet can still take its turn.
                Underruns++;
                RestartWindow();
                if (++_underruns > UnderrunLimit)
                {
                    _playing = false;
                    _anyPacket = false;
                    _popped = false;
                    return JitterFrameKind.Silence;
                }
                Concealed++;
                return JitterFrameKind.Lost;
            }
            // Later packets are here, so this one is lost: skip it, recovering it from its successor's FEC.
            _next++;
            _underruns = 0;
            _popped = true;
            CountSpare();
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

    // True on each of the n steps after a window whose every step had n spare packets (while a packet
    // still waits): the caller should play one packet's worth faster.
    public bool TakeShrink()
    {
        lock (_lock)
        {
            if (_shrinkBudget == 0 || IsBefore(_newest, _next))
                return false;
            _shrinkBudget--;
            Shrinks++;
            return true;
        }
    }

    // Drops the next `frames` steps' packets unplayed (the mixer skipped those frames on its own
    // timeline, so the speaker's audio for them is gone too and the delay does not grow by them).
    public void Skip(int frames)
    {
        lock (_lock)
        {
            for (var i = 0; i < frames && _playing && !IsBefore(_newest, _next); i++)
            {
                Take(_next, default, out _);
                _next++;
                _popped = true;
            }
            RestartWindow();
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
        _popped = false;
        _underruns = 0;
        RestartWindow();
    }

    // After a step that consumed a sequence number: how many packets were already waiting beyond it.
    private void CountSpare()
    {
        var spare = IsBefore(_newest, _next) ? 0 : (ushort)(_newest - _next) + 1;
        _windowMinSpare = Math.Min(_windowMinSpare, spare);
        if (++_windowSteps < ShrinkWindow)
            return;
        _shrinkBudget = _windowMinSpare;
        _windowSteps = 0;
        _windowMinSpare = int.MaxValue;
    }

    private void RestartWindow()
    {
        _windowSteps = 0;
        _windowMinSpare = int.MaxValue;
        _shrinkBudget = 0;
    }

    private static bool IsBefore(ushort a, ushort b) => a != b && (ushort)(b - a) < 0x8000;
}
