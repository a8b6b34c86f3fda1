using System.Diagnostics;
using System.Globalization;
using Meet.Benchmarks.Load;
using Meet.Modules.Client;
using Npgsql;

namespace Meet.Benchmarks.Cluster;

// Issue 15's media-node crash, measured end to end:
//   dotnet run -c Release --project Meet.Benchmarks -- failover [--rounds 10] [--postgres <connection string>]
// One signaling-only node and two media-only nodes (processes, loopback, a throwaway PostgreSQL unless
// one is given). Each round two .NET participants (real ICE/DTLS/SRTP, synthetic VP8 both ways) meet,
// the media node hosting them is killed with SIGKILL, and the gap is the time from the last packet each
// received from the other before the kill to the first one after it, the worse direction counting.
// A round fails when media does not come back within 15 s or the roster showed anyone leaving.
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
        var (_, warmupFailure) = await RoundAsync(cluster, connectionString, 0);
        Console.WriteLine($"warm-up round: {warmupFailure ?? "ok"}");
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
        var lastAlice = alice.LastReceivedTicks;
        var lastBob = bob.LastReceivedTicks;
        var killedAt = Stopwatch.GetTimestamp();
        alice.MarkFrom(killedAt);
        bob.MarkFrom(killedAt);
        cluster.Kill(victim);

        var back = await WaitAsync(() => alice.FirstReceivedAfter(killedAt) != 0 && bob.FirstReceivedAfter(killedAt) != 0, RecoveryLimit);
        // Restart the killed node at its address for the next round (it registers ONLINE again), and
        // warm it with a call of its own: a failover's target in a fleet is a node already serving.
        var restart = RestartWarmAsync(cluster, connectionString, victim);
        try
        {
            if (!back)
                return (0, $"media did not come back within {RecoveryLimit.TotalSeconds:F0} s (moves: alice {alice.MediaMoves}, bob {bob.MediaMoves})");
            if (alice.LeftSeen + bob.LeftSeen > 0)
                return (0, "the roster showed a participant leaving");
            if (alice.Client.Participants.Count != 1 || bob.Client.Participants.Count != 1)
                return (0, "a participant is missing from the other's roster");
            var gap = Math.Max(Gap(alice, lastAlice, killedAt), Gap(bob, lastBob, killedAt));
            return (gap, null);
        }
        finally
        {
            await restart;
        }
    }

    // From the last packet received before the kill to the first one through the new node.
    private static double Gap(FailoverParticipant participant, long lastBefore, long killedAt) =>
        Stopwatch.GetElapsedTime(lastBefore, participant.FirstReceivedAfter(killedAt)).TotalMilliseconds;

    private static async Task RestartWarmAsync(ClusterRun cluster, string connectionString, string address)
    {
        await cluster.StartMediaNodeAsync(address);
        // The other nodes DRAINING for the warm-up call, so allocation picks the restarted one.
        await ExecuteAsync(connectionString, "UPDATE media_servers SET server_status = 'DRAINING' WHERE ip_address <> @a AND server_status = 'ONLINE'", address);
        try
        {
            await using var a = new FailoverParticipant(101, cluster.SignalingAddress);
            await using var b = new FailoverParticipant(102, cluster.SignalingAddress);
            var created = await a.Client.CreateMeetingAsync("warm-up-host", "warm-up");
            await a.Client.JoinAsync(created.MeetingId, "Warm A", token: created.AccessToken);
            await b.Client.JoinAsync(created.MeetingId, "Warm B");
            await a.PublishAsync();
            await b.PublishAsync();
            await WaitAsync(() => a.Received > 10 && b.Received > 10, TimeSpan.FromSeconds(20));
        }
        finally
        {
            await ExecuteAsync(connectionString, "UPDATE media_servers SET server_status = 'ONLINE' WHERE ip_address <> @a AND server_status = 'DRAINING'", address);
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql, string address)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("a", address);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string?> MediaNodeOfAsync(string connectionString, string meetingId)
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

    private static async Task<bool> WaitAsync(Func<bool> condition, TimeSpan limit)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        while (!condition())
        {
            if (Stopwatch.GetTimestamp() > deadline)
                return false;
            await Task.Delay(10);
        }
        return true;
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }
}
