using System.Text.RegularExpressions;
using Meet.Tests.Support;

namespace Meet.Tests.Benchmarks.Cluster;

// Issue 15's two signaling nodes as users run them (`Meet.Benchmarks signaling-cluster`): two Meet
// processes on loopback sharing the test run's PostgreSQL and a Redis this test starts, no proxy. The
// command fails unless participants on different nodes (SignalR and gRPC) get each other's chat and
// roster changes, and unless, after node A is killed with SIGKILL, its SignalR and gRPC participants
// reconnect to node B (their fallback), node B's participant never saw them leave, a newcomer's roster
// lists each participant once, and chat flows again. Latencies are printed, never asserted.
public sealed class SignalingClusterCommandTests
{
    [Test]
    [CancelAfter(240_000)]
    public async Task Two_nodes_share_roster_and_chat_and_a_killed_nodes_clients_move_to_the_other(CancellationToken cancellationToken)
    {
        await using var redis = await RedisServer.StartAsync();
        var database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();

        var (exitCode, output, log) = await BenchmarksAssembly.RunAsync(["signaling-cluster", "--messages", "20", "--postgres", database, "--redis", redis.Configuration], cancellationToken);

        exitCode.Should().Be(0, log);
        output.Should().MatchRegex(@"chat cross-node A->B \(SignalR -> gRPC\): n=20 ", log);
        output.Should().MatchRegex(@"roster cross-node B->A: n=20 ", log);
        output.Should().Contain("kill -9 node A: alice (SignalR) reconnected", log);
        output.Should().Contain("LEFT seen by bob 0", log);
        output.Should().Contain("signaling-cluster failed=0", log);
        foreach (Match line in Regex.Matches(output, @"^(chat|roster|kill).*$", RegexOptions.Multiline))
            await TestContext.Out.WriteLineAsync(line.Value);
    }
}
