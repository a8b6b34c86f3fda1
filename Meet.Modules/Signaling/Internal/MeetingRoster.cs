using System.Collections.Concurrent;

namespace Meet.Modules.Signaling.Internal;

// In-memory roster of one meeting. Changes are queued and sent as one batch per member after a short
// delay, so a burst of joins costs O(changes) per member rather than a flush per change. Every change
// has a sequence number and a member only gets changes newer than the snapshot in its welcome, so the
// welcome and the updates never disagree.
internal sealed class MeetingRoster(string meetingId, TimeSpan batchDelay)
{
    private readonly Lock gate = new();
    private readonly ConcurrentDictionary<string, SignalingSession> members = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(long Sequence, ParticipantUpdateMessage Update)> pending = new();
    private long sequence;
    private int flushScheduled;

    public string MeetingId { get; } = meetingId;

    public bool IsEmpty => members.IsEmpty;

    public int Count => members.Count;

    public ICollection<SignalingSession> Members => members.Values;

    public bool TryGet(string participantId, out SignalingSession session) => members.TryGetValue(participantId, out session!);

    // Returns everyone else, as of the moment the session joined.
    public IReadOnlyList<ParticipantInfo> Add(SignalingSession session)
    {
        lock (gate)
        {
            var snapshot = members.Values.Select(s => s.Info).OrderBy(p => p.ParticipantId, StringComparer.Ordinal).ToArray();
            session.RosterSequence = sequence;
            members[session.ParticipantId] = session;
            Publish(new ParticipantUpdateMessage(session.ParticipantId, session.DisplayName, ParticipantUpdateMessage.Joined, null));
            return snapshot;
        }
    }

    // Removes only this session object: a newer connection of the same participant stays.
    public bool Remove(SignalingSession session)
    {
        lock (gate)
        {
            if (!members.TryRemove(new KeyValuePair<string, SignalingSession>(session.ParticipantId, session)))
                return false;
            Publish(new ParticipantUpdateMessage(session.ParticipantId, session.DisplayName, ParticipantUpdateMessage.Left, null));
            return true;
        }
    }

    public void Publish(ParticipantUpdateMessage update)
    {
        lock (gate)
            pending.Enqueue((++sequence, update));
        if (Interlocked.Exchange(ref flushScheduled, 1) == 0)
            _ = FlushAfterDelayAsync();
    }

    private async Task FlushAfterDelayAsync()
    {
        if (batchDelay > TimeSpan.Zero)
            await Task.Delay(batchDelay).ConfigureAwait(false);
        Volatile.Write(ref flushScheduled, 0);
        var batch = new List<(long Sequence, ParticipantUpdateMessage Update)>();
        while (pending.TryDequeue(out var update))
            batch.Add(update);
        if (batch.Count == 0)
            return;
        foreach (var member in members.Values)
        {
            // Nobody is told about themselves, nor about changes its welcome already showed.
            var forMember = batch.Where(u => u.Sequence > member.RosterSequence && u.Update.ParticipantId != member.ParticipantId).Select(u => u.Update).ToList();
            if (forMember.Count > 0)
                member.Peer.SendParticipantUpdates(forMember);
        }
    }
}
