namespace Meet.Benchmarks.Meeting;

// What a running step reports once a second: for the live display, or one line when output is redirected.
internal sealed record MeetingProgress(string Step, string Phase, int Joined, int Participants, int Failed, int WithMedia,
    double ServerMiB, int ServerThreads, TimeSample? Sample)
{
    public override string ToString()
    {
        var sample = Sample is null ? "" : FormattableString.Invariant(
            $" | in {Sample.PacketsInPerSecond:N0} p/s, out {Sample.PacketsOutPerSecond:N0} p/s | server {Sample.ServerCpuPercent:F0}% CPU | generator {Sample.GeneratorCpuPercent:F0}% | p99 {Sample.LatencyP99Ms:F2} ms | loss {Sample.LossPercent:F2}%");
        return FormattableString.Invariant(
            $"{Step} {Phase}: joined {Joined}/{Participants}, failed {Failed}, with media {WithMedia} | server {ServerMiB:F0} MiB, {ServerThreads} threads{sample}");
    }
}
