using System.Collections.Concurrent;

namespace Meet.Modules.Signaling.Internal;

// In-memory roster of one meeting as this node shows it: its own members (sessions it holds) and, in a
// cluster (issue 15), the members other signaling nodes hold (remote entries, kept up to date by their
// events and ClusterRosterSync). Versions are this node's: a client talks to one node at a time and
// starts again from the welcome of whichever node it reconnects to. Changes are queued and sent as one batch per
// member after a short delay, so a burst of joins costs O(changes) per member rather than a flush per
// change. Every change carries the meeting's roster version; a member gets every change newer than its
// snapshot (welcome or resync), its own included, so its versions are contiguous and clients detect loss.
internal sealed class MeetingRoster(string meetingId, TimeSpan batchDelay)
{
    private readonly Lock gate = new();
    // One flush at a time, so each member receives its changes in version order.
    private readonly SemaphoreSlim flushGate = new(1, 1);
    private readonly ConcurrentDictionary<string, SignalingSession> members = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RemoteRosterEntry> remote = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(long Sequence, ParticipantUpdateMessage Update)> pending = new();
    private long sequence;
    private int flushScheduled;

    public string MeetingId { get; } = meetingId;

    public bool IsEmpty => members.IsEmpty;

    public int Count => members.Count + remote.Count;

    public ICollection<SignalingSession> Members => members.Values;

    public ICollection<RemoteRosterEntry> Remote => remote.Values;

    public bool TryGet(string participantId, out SignalingSession session) => members.TryGetValue(participantId, out session!);

    public bool TryGetRemote(string participantId, out RemoteRosterEntry entry) => remote.TryGetValue(participantId, out entry!);

    // Another node's member joined or changed (its whole state in update.Participant): shown here, and
    // announced to this node's members. A participant this roster did not show yet is announced as JOINED.
    public void SetRemote(ParticipantUpdateMessage update, string nodeId, long touchedAt)
    {
        if (update.Participant is null)
            return;
        lock (gate)
        {
            var known = remote.ContainsKey(update.ParticipantId) || members.ContainsKey(update.ParticipantId);
            remote[update.ParticipantId] = new RemoteRosterEntry(update.Participant, nodeId, touchedAt);
            Publish(known ? update : update with { Action = ParticipantUpdateMessage.Joined, Kind = null });
        }
    }

    // The check found the entry as it is: only its time moves (nothing is announced).
    public void Touch(string participantId, long touchedAt)
    {
        if (remote.TryGetValue(participantId, out var entry))
            remote.TryUpdate(participantId, entry with { TouchedAt = touchedAt }, entry);
    }

    // Another node's member left (or its node died): removed only if that node still held it.
    public bool RemoveRemote(string participantId, string nodeId)
    {
        lock (gate)
        {
            if (!remote.TryGetValue(participantId, out var entry) || entry.NodeId != nodeId || !remote.TryRemove(new KeyValuePair<string, RemoteRosterEntry>(participantId, entry)))
                return false;
            Publish(new ParticipantUpdateMessage(participantId, entry.Info.DisplayName, ParticipantUpdateMessage.Left, null));
            return true;
        }
    }

    // Returns the first page of everyone else and the version that includes the session's own JOINED.
    public RosterPageMessage Add(SignalingSession session, int pageSize)
    {
        lock (gate)
        {
            members[session.ParticipantId] = session;
            // The participant reconnected here from another node: one member, not two.
            remote.TryRemove(session.ParticipantId, out _);
            Publish(new ParticipantUpdateMessage(session.ParticipantId, session.DisplayName, ParticipantUpdateMessage.Joined, null) { Participant = session.Info });
            var page = PageLocked(session.ParticipantId, null, pageSize);
            session.RosterSequence = page.Version;
            return page;
        }
    }

    // Everyone but the asker with an id after `after` (ordinal), at most `limit` of them.
    public RosterPageMessage Page(string exceptParticipantId, string? after, int limit)
    {
        lock (gate)
            return PageLocked(exceptParticipantId, after, limit);
    }

    // This node's members, then other nodes' members it does not also hold.
    private IEnumerable<ParticipantInfo> OthersLocked(string exceptParticipantId) =>
        members.Values.Where(s => s.ParticipantId != exceptParticipantId).Select(s => s.Info)
            .Concat(remote.Values.Where(r => r.Info.ParticipantId != exceptParticipantId && !members.ContainsKey(r.Info.ParticipantId)).Select(r => r.Info));

    private RosterPageMessage PageLocked(string exceptParticipantId, string? after, int limit)
    {
        var others = OthersLocked(exceptParticipantId).OrderBy(p => p.ParticipantId, StringComparer.Ordinal).ToList();
        var start = after is null ? 0 : others.FindIndex(p => string.CompareOrdinal(p.ParticipantId, after) > 0);
        var page = start < 0 ? [] : others.Skip(start).Take(limit).ToArray();
        return new RosterPageMessage(sequence, page, others.Count);
    }

    // Ids of the current members, for the host's "mute all".
    public SignalingSession[] Sessions() => [.. members.Values];

    // Everyone but the asker, as of the current version (a client's resync after a gap).
    public RosterSnapshotMessage Snapshot(string exceptParticipantId)
    {
        lock (gate)
            return SnapshotLocked(exceptParticipantId);
    }

    private RosterSnapshotMessage SnapshotLocked(string exceptParticipantId) => new(
        sequence,
        OthersLocked(exceptParticipantId).OrderBy(p => p.ParticipantId, StringComparer.Ordinal).ToArray());

    // Removes only this session object: a newer connection of the same participant stays. announce false:
    // the participant moved to another node and stays in the meeting (its JOINED there replaces it here).
    public bool Remove(SignalingSession session, bool announce = true)
    {
        lock (gate)
        {
            if (!members.TryRemove(new KeyValuePair<string, SignalingSession>(session.ParticipantId, session)))
                return false;
            if (announce)
                Publish(new ParticipantUpdateMessage(session.ParticipantId, session.DisplayName, ParticipantUpdateMessage.Left, null));
            return true;
        }
    }

    // flushSoon false: the change waits for the next flush anyone else causes, or FlushPending (the
    // heartbeat monitor's round), so a round's connection marks cost one flush, not one each.
    public void Publish(ParticipantUpdateMessage update, bool flushSoon = true)
    {
        lock (gate)
        {
            ++sequence;
            pending.Enqueue((sequence, update with { Version = sequence }));
        }
        if (flushSoon)
            ScheduleFlush();
    }

    public void FlushPending()
    {
        if (!pending.IsEmpty)
            ScheduleFlush();
    }

    private void ScheduleFlush()
    {
        if (Interlocked.Exchange(ref flushScheduled, 1) == 0)
            _ = FlushAfterDelayAsync();
    }

    private async Task FlushAfterDelayAsync()
    {
        if (batchDelay > TimeSpan.Zero)
            await Task.Delay(batchDelay).ConfigureAwait(false);
        Volatile.Write(ref flushScheduled, 0);
        await flushGate.WaitAsync().ConfigureAwait(false);
        try
        {
            var batch = new List<(long Sequence, ParticipantUpdateMessage Update)>();
            while (pending.TryDequeue(out var update))
                batch.Add(update);
            if (batch.Count == 0)
                return;
            foreach (var member in members.Values)
            {
                // Nothing its snapshot already showed; its own changes too, to keep versions contiguous.
                var since = member.RosterSequence;
                var first = batch.FindIndex(u => u.Sequence > since);
                if (first < 0)
                    continue;
                var forMember = new ParticipantUpdateMessage[batch.Count - first];
                for (var i = first; i < batch.Count; i++)
                    forMember[i - first] = batch[i].Update;
                member.Peer.SendParticipantUpdates(forMember);
            }
        }
        finally
        {
            flushGate.Release();
        }
    }
}
