using System.Text.RegularExpressions;
using Meet.Tests.Support;

namespace Meet.Tests.Benchmarks.Cluster;

// Issue 15's media-node crash, as users run it (`Meet.Benchmarks failover`): a signaling-only node and
// two media-only nodes, each a process of its own on loopback, sharing the test run's PostgreSQL; two
// .NET participants with real ICE/DTLS/SRTP publish video to each other; the media node hosting them is
// killed with SIGKILL (twice: round 0 and round 1) and later the node hosting them is drained. The
// command fails a round unless both receive the other's video again through the other node within 15 s
// and neither roster ever showed anyone leaving. Gaps are reported, never asserted.
public sealed class FailoverCommandTests
{
    [Test]
    [CancelAfter(240_000)]
    public async Task Killing_the_media_node_moves_the_call_to_the_other_node_without_roster_churn(CancellationToken cancellationToken)
    {
        var database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();

        var (exitCode, output, log) = await BenchmarksAssembly.RunAsync(["failover", "--rounds", "1", "--postgres", database], cancellationToken);

        exitCode.Should().Be(0, log);
        output.Should().Contain("warm-up round: ok", log);
        output.Should().MatchRegex(@"round 1 gap_ms=\d+", log);
        output.Should().MatchRegex(@"round 1 drain_gap_ms=\d+", log);
        output.Should().Contain("failed=0", log);
        foreach (Match gap in Regex.Matches(output, @"(round \d+ (drain_)?gap_ms=\d+)"))
            await TestContext.Out.WriteLineAsync(gap.Value);
    }
}
