using System.Text.RegularExpressions;
using Meet.Tests.Support;

namespace Meet.Tests.Benchmarks.Cluster;

// `Meet.Benchmarks join-cost`, small: joins against one node and against a signaling node with a media
// node (the remote IMediaModule) all succeed and both setups report wall time and CPU per join. The
// figures are printed, never asserted (README, Performance).
public sealed class JoinCostCommandTests
{
    [Test]
    [CancelAfter(240_000)]
    public async Task Joins_through_a_remote_media_node_are_measured_beside_joins_to_one_node(CancellationToken cancellationToken)
    {
        var database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();

        var (exitCode, output, log) = await BenchmarksAssembly.RunAsync(["join-cost", "--joins", "10", "--postgres", database], cancellationToken);

        exitCode.Should().Be(0, log);
        output.Should().MatchRegex(@"join-cost single: joins=10 errors=0 wall_p50_ms=[\d.]+ wall_p95_ms=[\d.]+ server_cpu_ms_per_join=[\d.]+", log);
        output.Should().MatchRegex(@"join-cost split: joins=10 errors=0 wall_p50_ms=[\d.]+ wall_p95_ms=[\d.]+ server_cpu_ms_per_join=[\d.]+", log);
        foreach (Match line in Regex.Matches(output, @"^join-cost.*$", RegexOptions.Multiline))
            await TestContext.Out.WriteLineAsync(line.Value);
    }
}
