namespace Meet.Modules.Media.Routing;

// One speaker's voice activity over the three windows the dominant-speaker decision compares (the
// immediate / medium / long time scales of Volfin and Cohen's dominant speaker identification, which
// Jitsi's bridge uses): a ring of per-tick activity values in [0, 1], summed per window.
internal sealed class SpeakerActivity
{
    // One ring entry per 50 ms, the selection tick (issue 10: a decision can fall every 50 ms, so the
    // speaker change waits at most 50 ms past the 350 ms of speech it needs, not up to 100 ms).
    public static readonly TimeSpan Resolution = TimeSpan.FromMilliseconds(50);
    public const int ImmediateTicks = 6;   // 300 ms
    public const int MediumTicks = 20;     // 1 s
    public const int LongTicks = 60;       // 3 s

    private readonly double[] _ring = new double[LongTicks];
    private int _next;

    public SpeakerActivity(string speakerId) => SpeakerId = speakerId;

    public string SpeakerId { get; }

    public double Immediate => Mean(ImmediateTicks);

    public double Medium => Mean(MediumTicks);

    public double Long => Mean(LongTicks);

    // The tick when this speaker last had voice activity (for "recent speakers" ordering).
    public long LastVoicedTick { get; private set; } = -1;

    public void Push(double activity, long tick)
    {
        _ring[_next] = Math.Clamp(activity, 0, 1);
        _next = (_next + 1) % _ring.Length;
        if (activity > 0)
            LastVoicedTick = tick;
    }

    private double Mean(int ticks)
    {
        var sum = 0.0;
        for (var i = 1; i <= ticks; i++)
            sum += _ring[(_next - i + _ring.Length) % _ring.Length];
        return sum / ticks;
    }
}
