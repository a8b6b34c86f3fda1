using System.Diagnostics;
using System.Globalization;
using Meet.Benchmarks.Load;
using Meet.Modules.Client;
using Npgsql;

using static Meet.Benchmarks.Cluster.ClusterCommandSupport;

namespace Meet.Benchmarks.Cluster;

// Issue 15's media-node crash, measured end to end:
//   dotnet run -c Release --project Meet.Benchmarks -- failover [--rounds 10] [--postgres <connection string>]
// One signaling-only node and two media-only nodes (processes, loopback, a throwaway PostgreSQL unless
// one is given). Each round two .NET participants (real ICE/DTLS/SRTP, synthetic VP8 both ways) meet,
// the media node hosting them is killed with SIGKILL, and the gap is the time from the last packet each
// received from the other before the kill to the first one through the new node, the worse direction
// counting. Then the killed node is restarted and the node now hosting the call is set DRAINING: the
// call moves back (drain_gap_ms). A round fails when media does not come back within 15 s or the roster
// showed anyone leaving. Round 0 (a cold target node) is printed and not counted.
// Prints "round N gap_ms=..." per round, then "failover rounds=N failed=F gap_p50_ms=... gap_p95_ms=...".
internal static class FailoverCommand
{
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = Option(args, "--rounds", 10);
        var postgresIndex = Array.IndexOf(args, "--postgres");
        await using var ownPostgres = postgresIndex < 0 ? await ThrowawayPostgres.StartAsync() : null;
        var connectionString = postgresIndex >= 0 ? args[postgresIndex + 1] : ownPostgres!.ConnectionString;

        await using var cluster = new ClusterRun(connectionString);
        await cluster.StartAsync(mediaNodeCount: 2);
        // Round 0 warms both nodes up (JIT, connections) and is not counted: a fleet's nodes are warm.
        var (warmupGap, warmupFailure) = await RoundAsync(cluster, connectionString, 0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warm-up round: {warmupFailure ?? "ok"} gap_ms={warmupGap:F0}"));
        var gaps = new List<double>();
        var failed = 0;
        for (var round = 1; round <= rounds; round++)
        {
            var (gap, failure) = await RoundAsync(cluster, connectionString, round);
            if (failure is null)
            {
                gaps.Add(gap);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round} gap_ms={gap:F0}"));
            }
            else
            {
                failed++;
                Console.WriteLine($"round {round} FAILED: {failure}");
            }
        }
        gaps.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"failover rounds={rounds} failed={failed} gap_p50_ms={Percentile(gaps, 0.50):F0} gap_p95_ms={Percentile(gaps, 0.95):F0} gap_max_ms={(gaps.Count == 0 ? 0 : gaps[^1]):F0}"));
        return failed == 0 ? 0 : 1;
    }

    private static async Task<(double GapMs, string? Failure)> RoundAsync(ClusterRun cluster, string connectionString, int round)
    {
        await using var alice = new FailoverParticipant(1, cluster.SignalingAddress);
        await using var bob = new FailoverParticipant(2, cluster.SignalingAddress);
        var created = await alice.Client.CreateMeetingAsync("failover-host", $"failover {round}");
        await alice.Client.JoinAsync(created.MeetingId, "Alice", token: created.AccessToken);
        await bob.Client.JoinAsync(created.MeetingId, "Bob");
        await alice.PublishAsync();
        await bob.PublishAsync();
        if (!await WaitAsync(() => alice.Received > 10 && bob.Received > 10, TimeSpan.FromSeconds(20)))
            return (0, $"no media before the kill (alice {alice.Received}, bob {bob.Received} packets)");

        var victim = await MediaNodeOfAsync(connectionString, created.MeetingId);
        if (victim is null || !cluster.MediaAddresses.Contains(victim))
            return (0, $"the meeting's media node {victim} is not one this run started");
        var (gap, failure) = await OutageAsync(alice, bob, () => cluster.Kill(victim), "kill");
        if (failure is not null)
            return (0, failure);

        // The killed node comes back at its address; then the node now hosting the call is drained
        // (what a clean shutdown does first), which moves the call back without any detection delay and
        // leaves the restarted node warm for the next round.
        await cluster.StartMediaNodeAsync(victim);
        var host = await MediaNodeOfAsync(connectionString, created.MeetingId);
        var (drainGap, drainFailure) = await OutageAsync(alice, bob,
            () => ExecuteAsync(connectionString, "UPDATE media_servers SET server_status = 'DRAINING' WHERE ip_address = @a", host!).GetAwaiter().GetResult(), "drain");
        await ExecuteAsync(connectionString, "UPDATE media_servers SET server_status = 'ONLINE' WHERE ip_address = @a", host!);
        if (drainFailure is not null)
            return (0, drainFailure);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round} drain_gap_ms={drainGap:F0}"));
        return (gap, null);
    }

    private static async Task<(double GapMs, string? Failure)> OutageAsync(FailoverParticipant alice, FailoverParticipant bob, Action cause, string what)
    {
        var lastAlice = alice.LastReceivedTicks;
        var lastBob = bob.LastReceivedTicks;
        var at = Stopwatch.GetTimestamp();
        alice.MarkFrom(at);
        bob.MarkFrom(at);
        cause();
        if (!await WaitAsync(() => alice.FirstReceivedAfter(at) != 0 && bob.FirstReceivedAfter(at) != 0, RecoveryLimit))
            return (0, $"media did not come back within {RecoveryLimit.TotalSeconds:F0} s after the {what} (moves: alice {alice.MediaMoves}, bob {bob.MediaMoves})");
        if (alice.LeftSeen + bob.LeftSeen > 0)
            return (0, $"the roster showed a participant leaving after the {what}");
        if (alice.Client.Participants.Count != 1 || bob.Client.Participants.Count != 1)
            return (0, $"a participant is missing from the other's roster after the {what}");
        return (Math.Max(Gap(alice, lastAlice, at), Gap(bob, lastBob, at)), null);
    }

    // From the last packet received before the kill to the first one through the new node.
    private static double Gap(FailoverParticipant participant, long lastBefore, long killedAt) =>
        Stopwatch.GetElapsedTime(lastBefore, participant.FirstReceivedAfter(killedAt)).TotalMilliseconds;

    private static async Task ExecuteAsync(string connectionString, string sql, string address)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("a", address);
        await command.ExecuteNonQueryAsync();
    }

    internal static async Task<string?> MediaNodeOfAsync(string connectionString, string meetingId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT s.ip_address FROM meeting_participants p JOIN media_servers s ON s.server_id = p.assigned_media_server_id
            WHERE p.meeting_id = @m AND p.connection_status = 'CONNECTED' LIMIT 1
            """, connection);
        command.Parameters.AddWithValue("m", meetingId);
        return await command.ExecuteScalarAsync() as string;
    }
}
