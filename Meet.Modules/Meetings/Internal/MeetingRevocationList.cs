using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Meet.Modules.Meetings.Internal;

// In memory on this node. An entry only has to outlive the tokens it blocks, and no token lives longer
// than Auth:TokenLifetime (plus the validator's clock skew), so entries are swept after that and the
// list stays bounded by the removals of one token lifetime. Several signaling nodes (issue 15) need it
// shared (Redis or PostgreSQL) behind this same interface.
internal sealed class MeetingRevocationList(IOptions<AuthOptions> options, TimeProvider clock) : IMeetingRevocations
{
    private static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<(string MeetingId, Guid ParticipantId), DateTimeOffset> revoked = new();
    private long lastSweepTicks;

    public event Action<string, Guid>? ParticipantRevoked;

    public int Count => revoked.Count;

    public void RevokeParticipant(string meetingId, Guid participantId)
    {
        var now = clock.GetUtcNow();
        revoked[(meetingId, participantId)] = now + options.Value.TokenLifetime + TimeSpan.FromMinutes(1);
        Sweep(now);
        ParticipantRevoked?.Invoke(meetingId, participantId);
    }

    public bool IsRevoked(string meetingId, Guid participantId) => revoked.ContainsKey((meetingId, participantId));

    // What this node revoked or heard of, with when each entry may go: written back to Redis after it
    // was lost (RedisMeetingRevocations).
    public IEnumerable<(string MeetingId, Guid ParticipantId, DateTimeOffset Until)> Entries =>
        revoked.Select(entry => (entry.Key.MeetingId, entry.Key.ParticipantId, entry.Value));

    private void Sweep(DateTimeOffset now)
    {
        var last = Interlocked.Read(ref lastSweepTicks);
        if (now.UtcTicks - last < SweepEvery.Ticks || Interlocked.CompareExchange(ref lastSweepTicks, now.UtcTicks, last) != last)
            return;
        foreach (var (key, until) in revoked)
            if (until <= now)
                revoked.TryRemove(new KeyValuePair<(string, Guid), DateTimeOffset>(key, until));
    }
}
