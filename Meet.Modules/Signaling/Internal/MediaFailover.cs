using System.Diagnostics;
using Meet.Modules.Allocation;
using Meet.Modules.Media;
using Meet.Modules.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meet.Modules.Signaling.Internal;

// The signaling side of SPEC "Media node crash" on a signaling-only node. Every Node:HeartbeatInterval
// (and at once when a control stream breaks and the node then fails a probe) it marks silent nodes
// OFFLINE, and moves the meetings of every node that is no longer ONLINE — dead, DRAINING or OFFLINE —
// to the node the meeting's other participants already use or the least-loaded ONLINE one of its
// region: participant rows reassigned (found through idx_participants_server), MEDIA_RECONNECT to the
// participants this node holds. A meeting with no healthy node is retried on the next pass.
internal sealed partial class MediaFailover(
    SessionRegistry registry,
    IMediaNodes nodes,
    IMediaServerRepository servers,
    IParticipantRepository participants,
    IMediaNodeAllocator allocator,
    IOptions<NodeOptions> options,
    TimeProvider clock,
    ILogger<MediaFailover> logger) : BackgroundService
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromMilliseconds(300);
    private readonly SemaphoreSlim wake = new(0, 1);
    private readonly HashSet<Guid> suspects = [];
    private readonly Lock suspectsGate = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        nodes.StreamLost += OnStreamLost;
        try
        {
            await WarmUpAsync(stoppingToken).ConfigureAwait(false);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await PassAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogPassFailed(ex);
                }
                await wake.WaitAsync(options.Value.HeartbeatInterval, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            nodes.StreamLost -= OnStreamLost;
        }
    }

    // The first kill a node handled spent 759 ms of its 799 ms move in the claim and ~300 ms more in the
    // other storage calls of the move (MediaFailoverBrowserTests' timeline, load ≈ 30): first use of
    // each statement (Dapper's parameter code, Npgsql, JIT without tiering). So every storage call of a
    // move runs once at start, on ids no row has, changing nothing.
    private async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var nobody = Guid.Empty;
            await servers.FindAsync(nobody, cancellationToken).ConfigureAwait(false);
            await participants.ListConnectedOnServerAsync(nobody, cancellationToken).ConfigureAwait(false);
            await allocator.AllocateForMeetingAsync(WarmUpMeetingId, null, nobody, cancellationToken).ConfigureAwait(false);
            await participants.ClaimMeetingMoveAsync(
                new MeetingMoveClaim(WarmUpMeetingId, nobody, nobody, [nobody], clock.GetUtcNow() - options.Value.StaleAfter), cancellationToken).ConfigureAwait(false);
            LogWarmedUp(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPassFailed(ex);
        }
    }

    // No meeting id has this shape (ids are mtg-xxxxxx-dddd-xxx): the warm-up's statements touch no row.
    internal const string WarmUpMeetingId = "failover-warm-up";

    private void OnStreamLost(Guid serverId)
    {
        LogStreamLost(serverId);
        lock (suspectsGate)
            suspects.Add(serverId);
        try
        {
            wake.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    internal async Task PassAsync(CancellationToken cancellationToken)
    {
        var node = options.Value;
        var now = clock.GetUtcNow();
        var freshSince = now - node.StaleAfter;
        foreach (var dead in await servers.MarkSilentOfflineAsync(freshSince, now, cancellationToken).ConfigureAwait(false))
            LogMarkedDead(dead, node.StaleAfter.TotalMilliseconds);

        Guid[] suspected;
        lock (suspectsGate)
        {
            suspected = [.. suspects];
            suspects.Clear();
        }

        var local = registry.Sessions.Where(s => s.MediaServerId is not null && s.State != SessionState.Left)
            .GroupBy(s => s.MediaServerId!.Value);
        foreach (var group in local)
        {
            var server = await servers.FindAsync(group.Key, cancellationToken).ConfigureAwait(false);
            var healthy = server is { Status: MediaServerStatus.Online } && server.LastHeartbeatAt >= freshSince;
            // A broken control stream is confirmed by a probe before the node is given up early.
            if (healthy && suspected.Contains(group.Key) && !await nodes.ProbeAsync(server!, ProbeTimeout, cancellationToken).ConfigureAwait(false))
            {
                await servers.SetStatusAsync(group.Key, MediaServerStatus.Offline, now, cancellationToken).ConfigureAwait(false);
                LogProbeFailed(group.Key);
                healthy = false;
            }
            if (!healthy)
                await MoveAwayAsync(group.Key, server, group.ToArray(), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task MoveAwayAsync(Guid leaving, MediaServer? server, IReadOnlyList<SignalingSession> held, CancellationToken cancellationToken)
    {
        var reason = server?.Status == MediaServerStatus.Draining ? "media node draining" : "media node failed";
        nodes.Forget(leaving);
        var affected = await participants.ListConnectedOnServerAsync(leaving, cancellationToken).ConfigureAwait(false);
        var meetings = affected.Select(p => p.MeetingId).Concat(held.Select(s => s.MeetingId)).Distinct(StringComparer.Ordinal);
        foreach (var meetingId in meetings)
        {
            // Each phase is timed: a failover's gap is the sum of them, and the log says which one grew.
            var started = Stopwatch.GetTimestamp();
            var candidate = await allocator.AllocateForMeetingAsync(meetingId, server?.Region, leaving, cancellationToken).ConfigureAwait(false);
            if (candidate is null)
            {
                LogNoHealthyNode(meetingId, leaving);
                continue;
            }
            var allocated = Stopwatch.GetTimestamp();
            var sessions = held.Where(s => s.MeetingId == meetingId).ToArray();
            var ids = affected.Where(p => p.MeetingId == meetingId).Select(p => p.ParticipantId)
                .Concat(sessions.Select(s => Guid.Parse(s.ParticipantId))).Distinct().ToArray();
            // Another signaling node (or an earlier trigger) may be moving this meeting right now with a
            // different candidate: the claim settles on one node for all of them.
            var claimed = await participants.ClaimMeetingMoveAsync(
                new MeetingMoveClaim(meetingId, leaving, candidate.ServerId, ids, clock.GetUtcNow() - options.Value.StaleAfter), cancellationToken).ConfigureAwait(false);
            var target = claimed == candidate.ServerId ? candidate : await servers.FindAsync(claimed, cancellationToken).ConfigureAwait(false);
            if (target is null)
            {
                LogNoHealthyNode(meetingId, leaving);
                continue;
            }
            if (claimed != candidate.ServerId)
                LogJoinedOtherMove(meetingId, candidate.ServerId, claimed);
            var reassigned = Stopwatch.GetTimestamp();
            // In parallel: each move waits for one round trip to the target node.
            var results = await Task.WhenAll(sessions.Select(s => registry.MoveMediaAsync(s, nodes, target, reason))).ConfigureAwait(false);
            var moved = results.Count(ok => ok);
            LogMoved(meetingId, leaving, target.ServerId, moved, ids.Length, Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                Stopwatch.GetElapsedTime(started, allocated).TotalMilliseconds, Stopwatch.GetElapsedTime(allocated, reassigned).TotalMilliseconds,
                Stopwatch.GetElapsedTime(reassigned).TotalMilliseconds, reason);
        }
    }

    public override void Dispose()
    {
        wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Media node {ServerId} silent for {StaleMs} ms: marked OFFLINE")]
    private partial void LogMarkedDead(Guid serverId, double staleMs);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Media node {ServerId} broke its control streams and failed a probe: marked OFFLINE")]
    private partial void LogProbeFailed(Guid serverId);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Error, Message = "No healthy media node for meeting {MeetingId} (leaving {ServerId}); retrying")]
    private partial void LogNoHealthyNode(string meetingId, Guid serverId);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "Meeting {MeetingId} moved from media node {From} to {To}: {Moved} sessions here, {Participants} participants, {ElapsedMs:F0} ms (allocation {AllocationMs:F0} ms, reassignment {ReassignmentMs:F0} ms, media on the new node {MediaMs:F0} ms) ({Reason})")]
    private partial void LogMoved(string meetingId, Guid from, Guid to, int moved, int participants, double elapsedMs, double allocationMs, double reassignmentMs, double mediaMs, string reason);

    [LoggerMessage(EventId = 2107, Level = LogLevel.Information, Message = "Meeting {MeetingId} was already being moved to media node {Claimed}: follows it instead of {Candidate}")]
    private partial void LogJoinedOtherMove(string meetingId, Guid candidate, Guid claimed);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Warning, Message = "A control stream to media node {ServerId} broke: probing it")]
    private partial void LogStreamLost(Guid serverId);

    [LoggerMessage(EventId = 2108, Level = LogLevel.Information, Message = "Media failover path warmed up in {ElapsedMs:F0} ms")]
    private partial void LogWarmedUp(double elapsedMs);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Warning, Message = "Media failover pass failed")]
    private partial void LogPassFailed(Exception exception);
}
