using System.Collections.Concurrent;

namespace Meet.Modules.Signaling.Internal;

// In-memory roster of one meeting. Changes are queued and sent as one batch per member after a short
// delay, so a burst of joins costs O(changes) sends per member rather than a send per change per event.
internal sealed class MeetingRoster(string meetingId, TimeSpan batchDelay)
{
    private readonly ConcurrentDictionary<string, SignalingSession> members = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ParticipantUpdateMessage> pending = new();
    private int flushScheduled;

    public string MeetingId { get; } = meetingId;

    public bool IsEmpty => members.IsEmpty;

    public int Count => members.Count;

    public ICollection<SignalingSession> Members => members.Values;

    public IReadOnlyList<ParticipantInfo> Snapshot(string exceptParticipantId) =>
        members.Values.Where(s => s.ParticipantId != exceptParticipantId).Select(s => s.Info).OrderBy(p => p.ParticipantId, StringComparer.Ordinal).ToArray();

    public bool TryGet(string participantId, out SignalingSession session) => members.TryGetValue(participantId, out session!);

    public void Add(SignalingSession session)
    {
        members[session.ParticipantId] = session;
        Publish(new ParticipantUpdateMessage(session.ParticipantId, session.DisplayName, ParticipantUpdateMessage.Joined, null));
    }

    // Removes only this session object: a newer connection of the same participant stays.
    public bool Remove(SignalingSession session)
    {
        if (!members.TryRemove(new KeyValuePair<string, SignalingSession>(session.ParticipantId, session)))
            return false;
        Publish(new ParticipantUpdateMessage(session.ParticipantId, session.DisplayName, ParticipantUpdateMessage.Left, null));
        return true;
    }

    public void Publish(ParticipantUpdateMessage update)
    {
        pending.Enqueue(update);
        if (Interlocked.Exchange(ref flushScheduled, 1) == 0)
            _ = FlushAfterDelayAsync();
    }

    private async Task FlushAfterDelayAsync()
    {
        if (batchDelay > TimeSpan.Zero)
            await Task.Delay(batchDelay).ConfigureAwait(false);
        Volatile.Write(ref flushScheduled, 0);
        var batch = new List<ParticipantUpdateMessage>();
        while (pending.TryDequeue(out var update))
            batch.Add(update);
        if (batch.Count == 0)
            return;
        foreach (var member in members.Values)
        {
            // Nobody is told about themselves.
            var forMember = batch.FindAll(u => u.ParticipantId != member.ParticipantId);
            if (forMember.Count > 0)
                member.Peer.SendParticipantUpdates(forMember);
        }
    }
}
