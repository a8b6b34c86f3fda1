using System.Collections.Concurrent;
using Meet.Modules.Signaling;

namespace Meet.Modules.Client.Internal;

// The client's copy of the meeting roster, applied in roster-version order (docs/signaling.md "Roster").
// Updates that arrive before the snapshot they follow (the welcome, or a resync) are buffered, not lost;
// updates ahead of the next expected version wait for the missing ones, and a gap that does not fill
// is the owner's cue to ask for a snapshot. The server's roster stays authoritative.
internal sealed class RosterTracker
{
    // Past this many buffered updates a gap is not going to close by reordering: resync at once.
    public const int MaxBuffered = 4096;

    private readonly Lock gate = new();
    private readonly ConcurrentDictionary<string, ParticipantInfo> participants = new(StringComparer.Ordinal);
    private readonly SortedDictionary<long, ParticipantUpdateMessage> buffered = [];
    // The version of the last update applied per participant (LEFT included), so a roster page older
    // than that update does not undo it.
    private readonly Dictionary<string, long> changedAt = new(StringComparer.Ordinal);
    private string? self;
    private bool awaitingSnapshot = true;

    public IReadOnlyDictionary<string, ParticipantInfo> Participants => participants;

    // The version everything applied so far reflects (-1 before the first snapshot).
    public long Version { get; private set; } = -1;

    // Updates waiting for a missing version or for the snapshot.
    public int BufferedCount
    {
        get
        {
            lock (gate)
                return buffered.Count;
        }
    }

    // Some version between Version and the buffered updates is missing.
    public bool HasGap
    {
        get
        {
            lock (gate)
                return !awaitingSnapshot && buffered.Count > 0;
        }
    }

    // A new connection's snapshot is on its way: hold updates until it is applied.
    public void BeginSnapshot()
    {
        lock (gate)
            awaitingSnapshot = true;
    }

    // Replaces the roster with the snapshot (without a moment of emptiness for readers) and applies the
    // buffered updates that follow it. Returns the updates applied, for the owner's events.
    public IReadOnlyList<ParticipantUpdateMessage> ApplySnapshot(long version, IReadOnlyList<ParticipantInfo> others, string selfId)
    {
        lock (gate)
        {
            self = selfId;
            var keep = new HashSet<string>(StringComparer.Ordinal);
            foreach (var participant in others)
            {
                if (participant.ParticipantId == selfId)
                    continue;
                participants[participant.ParticipantId] = participant;
                keep.Add(participant.ParticipantId);
            }
            foreach (var id in participants.Keys)
            {
                if (!keep.Contains(id))
                    participants.TryRemove(id, out _);
            }
            Version = version;
            awaitingSnapshot = false;
            changedAt.Clear();
            // Versions restart only when the server's roster for the meeting was recreated; anything
            // buffered at or below the snapshot is already in it.
            foreach (var stale in buffered.Keys.Where(v => v <= version).ToList())
                buffered.Remove(stale);
            return DrainLocked();
        }
    }

    // Applies the update if it is the next version (and any buffered ones it unblocks), buffers it if it
    // is ahead, ignores it if already applied. Returns the updates applied, in order.
    public IReadOnlyList<ParticipantUpdateMessage> Apply(ParticipantUpdateMessage update)
    {
        lock (gate)
        {
            // A server that does not number its updates: apply as they come.
            if (update.Version == 0 && !awaitingSnapshot)
            {
                ApplyLocked(update);
                return [update];
            }
            if (!awaitingSnapshot && update.Version <= Version)
                return [];
            buffered[update.Version] = update;
            return awaitingSnapshot ? [] : DrainLocked();
        }
    }

    private List<ParticipantUpdateMessage> DrainLocked()
    {
        var applied = new List<ParticipantUpdateMessage>();
        while (buffered.Remove(Version + 1, out var next))
        {
            Version = next.Version;
            ApplyLocked(next);
            applied.Add(next);
        }
        return applied;
    }

    // A page of a large roster (issue 13): whole states as of the page's version. An entry is taken unless
    // an update newer than the page already changed that participant (the reader may apply updates that
    // followed the page before the page itself is handled); updates after the page apply over it in order.
    public void ApplyPage(RosterPageMessage page)
    {
        lock (gate)
        {
            foreach (var participant in page.Participants)
            {
                if (participant.ParticipantId == self || (changedAt.TryGetValue(participant.ParticipantId, out var at) && at > page.Version))
                    continue;
                participants[participant.ParticipantId] = participant;
            }
        }
    }

    // A change about ourselves only advances the version: the roster lists everyone else. Updates that
    // carry the participant's whole state (issue 13) set it; older servers' updates patch it.
    private void ApplyLocked(ParticipantUpdateMessage update)
    {
        if (update.ParticipantId == self)
            return;
        changedAt[update.ParticipantId] = update.Version;
        if (update.Participant is { } state && update.Action != ParticipantUpdateMessage.Left)
        {
            participants[update.ParticipantId] = state;
            return;
        }
        switch (update.Action)
        {
            case ParticipantUpdateMessage.Joined:
                participants[update.ParticipantId] = new ParticipantInfo(update.ParticipantId, update.DisplayName, false, false, false);
                break;
            case ParticipantUpdateMessage.Left:
                participants.TryRemove(update.ParticipantId, out _);
                break;
            case ParticipantUpdateMessage.Muted or ParticipantUpdateMessage.Unmuted:
                if (participants.TryGetValue(update.ParticipantId, out var info))
                {
                    var muted = update.Action == ParticipantUpdateMessage.Muted;
                    participants[update.ParticipantId] = update.Kind == "audio" ? info with { AudioMuted = muted } : info with { VideoMuted = muted };
                }
                break;
        }
    }
}
