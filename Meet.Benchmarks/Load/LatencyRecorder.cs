namespace Meet.Benchmarks.Load;

// One per worker (no locking on the hot path); merged at the end.
internal sealed class LatencyRecorder
{
    private readonly List<double> create = new(1 << 16);
    private readonly List<double> join = new(1 << 16);

    public int Errors { get; private set; }

    public Dictionary<int, int> ErrorStatuses { get; } = [];

    public void Create(double milliseconds) => create.Add(milliseconds);

    public void Join(double milliseconds) => join.Add(milliseconds);

    public void Error(int status)
    {
        Errors++;
        ErrorStatuses[status] = ErrorStatuses.GetValueOrDefault(status) + 1;
    }

    public static (double P50, double P99, int Count) Percentiles(IEnumerable<LatencyRecorder> recorders, bool joins)
    {
        var all = recorders.SelectMany(r => joins ? r.join : r.create).ToArray();
        if (all.Length == 0)
            return (0, 0, 0);
        Array.Sort(all);
        return (all[(int)(all.Length * 0.50)], all[Math.Min(all.Length - 1, (int)(all.Length * 0.99))], all.Length);
    }
}
