using System.Text.RegularExpressions;
using Meet.Tests.Support;

namespace Meet.Tests.Benchmarks.Soak;

// The soak command as users run it (`Meet.Benchmarks soak`), for seconds instead of an hour: it runs
// the meeting with churn, prints a row per interval and the summary, and its churn leaves nobody
// behind. Counts only, never timings, so the tool cannot rot.
public sealed partial class SoakCommandTests
{
    [Test]
    [CancelAfter(180_000)]
    public async Task Short_soak_churns_participants_and_reports_rows_errors_and_growth(CancellationToken cancellationToken)
    {
        var (exitCode, output, log) = await BenchmarksAssembly.RunAsync(["soak", "--minutes", "0.2", "--interval-seconds", "3", "--churn-seconds", "1"], cancellationToken);

        exitCode.Should().Be(0, log);
        // | elapsed | ws | heap | threads | handles | participants | producers | consumers | in/s | out/s | cpu | churn joins | drops | errors |
        var rows = Row().Matches(output).Select(m => m.Groups[1].Value.Split('|', StringSplitOptions.TrimEntries)).ToList();
        rows.Should().HaveCountGreaterThanOrEqualTo(3, log);
        var last = rows[^1];
        int.Parse(last[11]).Should().BeGreaterThan(3, "a churner joined every second");
        int.Parse(last[5]).Should().BeLessThanOrEqualTo(2 + 2 + 3 + 1, "churners leave: 2 publishers, 2 viewers, 3 churners and at most one joining");
        long.Parse(last[8]).Should().BeGreaterThan(0, "the steady publishers' RTP reaches the SFU");
        output.Should().Contain("growth after warm-up");
        Summary().Match(output).Groups[1].Value.Should().Be("0", log);
    }

    [GeneratedRegex(@"^\| (\d\d:\d\d:\d\d \|.*)\|\s*$", RegexOptions.Multiline)]
    private static partial Regex Row();

    [GeneratedRegex(@"^errors (\d+), SFU drops", RegexOptions.Multiline)]
    private static partial Regex Summary();
}
