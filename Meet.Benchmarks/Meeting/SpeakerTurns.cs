using System.Diagnostics;

namespace Meet.Benchmarks.Meeting;

// Issue 10's speaker-change measure inside a load run: the cameras take turns talking. Every turn the
// next talker sends a talk spurt of voiced Opus at the unscaled 50 packets/s (the SFU's speaker
// detector counts voiced packets per 20 ms, so a scaled-down rate would never win the floor), then
// falls silent; everyone else sends the scaled rate at a silent level (comfort noise). Talkers are
// taken from the last camera backwards, so with more cameras than Media:LastN each new talker is
// outside every viewer's forwarded set until the SFU picks it: what a viewer records (ReceiveStats) is
// talk start → first video packet and → complete keyframe of a publisher it was not receiving.
// The pacer thread advances the turns; viewers read the current turn from their receive callbacks.
internal sealed class SpeakerTurns(TimeSpan turn, TimeSpan talkSpurt)
{
    // RFC 6464 levels (-dBov): speech well under the SFU's voiced threshold (50), and digital silence.
    public const byte TalkingLevel = 25;
    public const byte SilentLevel = 127;

    private readonly long _turnTicks = (long)(turn.TotalSeconds * Stopwatch.Frequency);
    private readonly long _spurtTicks = (long)(talkSpurt.TotalSeconds * Stopwatch.Frequency);
    private readonly Lock _lock = new();
    private int[] _order = [];
    private int _next;
    private Turn? _current;
    private long _nextTurnTicks;
    private readonly List<Turn> _history = [];

    public TimeSpan TurnLength => turn;

    public TimeSpan TalkSpurt => talkSpurt;

    // The turn under way (null before Start): its number, talker and when the talk started.
    public Turn? Current => Volatile.Read(ref _current);

    public int Turns => Current?.Index + 1 ?? 0;

    // cameraNumbers: the meeting's cameras; turns go from the last backwards and wrap around.
    public void Start(IEnumerable<int> cameraNumbers)
    {
        lock (_lock)
        {
            _order = [.. cameraNumbers.OrderDescending()];
            _next = 0;
            _nextTurnTicks = Stopwatch.GetTimestamp();
        }
    }

    // Called by the pacer before each pass: begins the next turn when this one is over.
    public void Advance(long now)
    {
        lock (_lock)
        {
            if (_order.Length == 0 || now < _nextTurnTicks)
                return;
            var talker = _order[_next++ % _order.Length];
            var next = new Turn((_current?.Index ?? -1) + 1, talker, now);
            _history.Add(next);
            Volatile.Write(ref _current, next);
            _nextTurnTicks = now + _turnTicks;
        }
    }

    // Every turn so far, in order (the server's speaker-change records are matched to them).
    public IReadOnlyList<Turn> History()
    {
        lock (_lock)
            return [.. _history];
    }

    // Whether this publisher is in its talk spurt now.
    public bool IsTalking(int publisher, long now) =>
        Current is { } turn && turn.Talker == publisher && now - turn.StartTicks < _spurtTicks;

    internal sealed record Turn(int Index, int Talker, long StartTicks);
}
