using Meet.Modules.Signaling.Internal.Cluster;
using Microsoft.Extensions.Logging;

namespace Meet.Modules.Signaling.Internal;

// Issue 15: several signaling nodes serve one meeting. Each node holds the sessions connected to it; the
// session map says who is where; every roster change, chat message and host action a node makes is
// delivered to its own members and published to the others (IMeetingFanout), which deliver it to theirs.
// ReconcileAsync (every second, ClusterRosterSync) repairs what events cannot: a node that died, events
// lost while Redis was away.
internal sealed partial class SessionRegistry
{
    // Participants between their claim in the session map and their place in the roster: the check must
    // not take their fresh entry for a stale one.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> joining = new(StringComparer.Ordinal);
    // Nodes whose beat the check missed, and since when (Stopwatch timestamp).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> silentNodes = new(StringComparer.Ordinal);

    // How long a remote entry that no event or check confirmed may stay before the check drops it: longer
    // than an event takes to arrive, so an entry the check read just before a JOINED is not dropped.
    private static readonly TimeSpan UnconfirmedGrace = TimeSpan.FromSeconds(3);

    public bool IsClustered => fanout.IsClustered;

    private SessionMapEntry EntryOf(SignalingSession session) => new(fanout.NodeId, session.MediaServerId, session.Info);

    // Claimed in the session map first (another node that held the participant then lets go of it when
    // the JOINED arrives), then in the roster with the other nodes' members read from the map.
    private async Task<RosterPageMessage> AddToRosterAsync(SignalingSession session)
    {
        var key = session.MeetingId + "/" + session.ParticipantId;
        joining[key] = 0;
        try
        {
            await sessionMap.ClaimAsync(session.MeetingId, EntryOf(session)).ConfigureAwait(false);
            // Subscribed before the map is read: an event published after the read is then received.
            await fanout.FollowAsync(session.MeetingId).ConfigureAwait(false);
            var known = fanout.IsClustered ? await sessionMap.ReadAsync(session.MeetingId).ConfigureAwait(false) : null;
            RosterPageMessage others;
            var now = time.GetTimestamp();
            lock (rosterGate)
            {
                var created = false;
                var roster = rosters.GetOrAdd(session.MeetingId, id =>
                {
                    created = true;
                    return new MeetingRoster(id, Options.RosterBatchDelay);
                });
                // A roster this node just created starts from the map; an existing one is kept current by events.
                if (created && known is not null)
                    foreach (var entry in known.Values.Where(e => e.SignalingNodeId != fanout.NodeId && e.Info.ParticipantId != session.ParticipantId))
                        roster.SetRemote(new ParticipantUpdateMessage(entry.Info.ParticipantId, entry.Info.DisplayName, ParticipantUpdateMessage.Joined, null) { Participant = entry.Info }, entry.SignalingNodeId, now);
                others = roster.Add(session, Options.RosterPageSize);
            }
            Share(session.MeetingId, new ParticipantUpdateMessage(session.ParticipantId, session.DisplayName, ParticipantUpdateMessage.Joined, null) { Participant = session.Info });
            return others;
        }
        finally
        {
            joining.TryRemove(key, out _);
        }
    }

    private void ShareUpdate(SignalingSession session, ParticipantUpdateMessage update)
    {
        if (!fanout.IsClustered)
            return;
        sessionMap.Update(session.MeetingId, EntryOf(session));
        Share(session.MeetingId, update);
    }

    private void Share(string meetingId, ParticipantUpdateMessage update)
    {
        if (fanout.IsClustered)
            fanout.Publish(new MeetingEvent(MeetingEventKind.Roster, meetingId, fanout.NodeId) { Update = update with { Version = 0 }, SentAtMs = time.GetUtcNow().ToUnixTimeMilliseconds() });
    }

    // Only if this node still held the participant: one that moved to another node has not left.
    private async Task ShareLeftAsync(SignalingSession session)
    {
        if (await sessionMap.ReleaseAsync(session.MeetingId, session.ParticipantId, fanout.NodeId).ConfigureAwait(false))
            Share(session.MeetingId, new ParticipantUpdateMessage(session.ParticipantId, session.DisplayName, ParticipantUpdateMessage.Left, null));
    }

    private void ShareEvent(MeetingEvent meetingEvent)
    {
        if (fanout.IsClustered)
            fanout.Publish(meetingEvent with { SentAtMs = time.GetUtcNow().ToUnixTimeMilliseconds() });
    }

    // Another node's event: delivered to the members this node holds, over their own transports.
    private async Task OnClusterEventAsync(MeetingEvent meetingEvent)
    {
        if (meetingEvent.Kind == MeetingEventKind.Ended)
        {
            if (rosters.ContainsKey(meetingEvent.MeetingId))
                await CloseEndedMeetingAsync(meetingEvent.MeetingId, share: false).ConfigureAwait(false);
            return;
        }
        if (!rosters.TryGetValue(meetingEvent.MeetingId, out var roster))
            return;
        Traffic.ClusterEventReceived(meetingEvent.SentAtMs, time.GetUtcNow().ToUnixTimeMilliseconds());
        switch (meetingEvent.Kind)
        {
            case MeetingEventKind.Roster when meetingEvent.Update is { } update:
                await ApplyRemoteUpdateAsync(roster, update, meetingEvent.OriginNode).ConfigureAwait(false);
                break;
            case MeetingEventKind.Chat when meetingEvent.Chat is { } chat:
                if (chat.ToParticipantId is null)
                    BroadcastChat(roster, chat);
                else if (roster.TryGet(chat.ToParticipantId, out var target))
                    target.Peer.SendChat(chat);
                break;
            case MeetingEventKind.MeetingState:
                foreach (var member in roster.Members)
                    member.Peer.SendMeetingState(new MeetingStateMessage(meetingEvent.Locked));
                break;
            case MeetingEventKind.Host:
                ApplyRemoteHostAction(roster, meetingEvent);
                break;
        }
    }

    private async Task ApplyRemoteUpdateAsync(MeetingRoster roster, ParticipantUpdateMessage update, string nodeId)
    {
        if (update.Action == ParticipantUpdateMessage.Left)
        {
            roster.RemoveRemote(update.ParticipantId, nodeId);
            return;
        }
        if (roster.TryGet(update.ParticipantId, out var local))
        {
            // The participant connected to another node while this one still held it (a client that
            // reconnected elsewhere): the newer connection wins, as it does on one node.
            if (update.Action != ParticipantUpdateMessage.Joined)
                return;
            LogMovedAway(local.ParticipantId, local.MeetingId, nodeId);
            local.Peer.SendError(SignalingErrorCodes.WrongState, "replaced by a newer connection of the same participant");
            local.Peer.Close();
            await LeaveAsync(local, movedAway: true).ConfigureAwait(false);
        }
        roster.SetRemote(update, nodeId, time.GetTimestamp());
    }

    private void ApplyRemoteHostAction(MeetingRoster roster, MeetingEvent meetingEvent)
    {
        if (meetingEvent.Action == HostActions.MuteAll)
        {
            foreach (var member in roster.Sessions().Where(s => !s.IsHost))
                HostMute(member);
            return;
        }
        if (meetingEvent.TargetId is null || !roster.TryGet(meetingEvent.TargetId, out var target))
            return;
        ApplyHostAction(target, meetingEvent.Action, meetingEvent.CallerId ?? "", meetingEvent.CallerName ?? "", meetingEvent.Role);
    }

    // The host action on a member this node holds, wherever the host is.
    private void ApplyHostAction(SignalingSession target, string? action, string callerId, string callerName, string? role)
    {
        switch (action)
        {
            case HostActions.Mute:
                HostMute(target);
                break;
            case HostActions.LowerHand:
                if (target.SetHand(false, () => 0))
                    Publish(target, ParticipantUpdateMessage.HandLowered, null, byHost: true);
                break;
            case HostActions.AskUnmute:
                target.Peer.SendNotice(new NoticeMessage(NoticeMessage.AskUnmute, callerId, $"{callerName} asks you to unmute"));
                break;
            case HostActions.Remove:
                // The revocation (shared by every node) closes the session; the notice goes first.
                target.Peer.SendNotice(new NoticeMessage(NoticeMessage.Removed, callerId, "The host removed you from the meeting."));
                break;
            case HostActions.MakeHost when role is "host" or "participant":
                if (target.Role != role)
                {
                    target.Role = role;
                    Publish(target, ParticipantUpdateMessage.RoleChanged, null, byHost: true);
                }
                break;
        }
    }

    // A host action for a participant another node holds goes to that node.
    private void SendHostAction(SignalingSession caller, string action, string? targetId, string? role = null) =>
        ShareEvent(new MeetingEvent(MeetingEventKind.Host, caller.MeetingId, fanout.NodeId)
        {
            Action = action,
            TargetId = targetId,
            CallerId = caller.ParticipantId,
            CallerName = caller.DisplayName,
            Role = role,
        });

    public IReadOnlyCollection<string> RosterMeetingIds => [.. rosters.Keys];

    // The periodic check of one meeting against the session map (ClusterRosterSync): this node's members
    // are in the map (written back after Redis was lost), members that moved to another node are let go,
    // other nodes' members are shown, and those of a node that stopped beating are marked reconnecting,
    // then dropped after Signaling:HeartbeatTimeout (the same patience a silent client gets).
    public async Task ReconcileAsync(string meetingId)
    {
        if (!rosters.TryGetValue(meetingId, out var roster))
            return;
        var entries = await sessionMap.ReadAsync(meetingId).ConfigureAwait(false);
        if (entries is null)
            return;
        var now = time.GetTimestamp();
        foreach (var session in roster.Members.ToArray())
        {
            if (session.State == SessionState.Left || joining.ContainsKey(meetingId + "/" + session.ParticipantId))
                continue;
            if (!entries.TryGetValue(session.ParticipantId, out var entry))
            {
                // Lost with Redis (or never written while it was away): written back and announced again.
                await sessionMap.ClaimAsync(meetingId, EntryOf(session)).ConfigureAwait(false);
                Share(meetingId, new ParticipantUpdateMessage(session.ParticipantId, session.DisplayName, ParticipantUpdateMessage.Joined, null) { Participant = session.Info });
            }
            else if (entry.SignalingNodeId != fanout.NodeId)
            {
                await ApplyRemoteUpdateAsync(roster, new ParticipantUpdateMessage(entry.Info.ParticipantId, entry.Info.DisplayName, ParticipantUpdateMessage.Joined, null) { Participant = entry.Info }, entry.SignalingNodeId).ConfigureAwait(false);
            }
        }
        // Entries this node wrote for sessions it no longer holds (their release was lost).
        foreach (var stale in entries.Values.Where(e => e.SignalingNodeId == fanout.NodeId && !roster.TryGet(e.Info.ParticipantId, out _) && !joining.ContainsKey(meetingId + "/" + e.Info.ParticipantId)))
            if (await sessionMap.ReleaseAsync(meetingId, stale.Info.ParticipantId, fanout.NodeId).ConfigureAwait(false))
                Share(meetingId, new ParticipantUpdateMessage(stale.Info.ParticipantId, stale.Info.DisplayName, ParticipantUpdateMessage.Left, null));

        var others = entries.Values.Where(e => e.SignalingNodeId != fanout.NodeId).ToArray();
        var live = await sessionMap.LiveNodesAsync(others.Select(e => e.SignalingNodeId).Distinct().ToArray()).ConfigureAwait(false);
        if (live is null)
            return;
        foreach (var entry in others)
        {
            var id = entry.Info.ParticipantId;
            if (roster.TryGet(id, out _))
                continue;
            if (live.Contains(entry.SignalingNodeId))
            {
                silentNodes.TryRemove(entry.SignalingNodeId, out _);
                if (roster.TryGetRemote(id, out var shown) && shown.NodeId == entry.SignalingNodeId && shown.Info == entry.Info)
                    roster.Touch(id, now);
                else
                    roster.SetRemote(new ParticipantUpdateMessage(id, entry.Info.DisplayName, ParticipantUpdateMessage.ConnectionChanged, null) { Participant = entry.Info }, entry.SignalingNodeId, now);
                continue;
            }
            var silentSince = silentNodes.GetOrAdd(entry.SignalingNodeId, now);
            if (time.GetElapsedTime(silentSince) > Options.HeartbeatTimeout)
            {
                // Whoever gets there first deletes the entry; every node drops it from its own roster.
                await sessionMap.ReleaseAsync(meetingId, id, entry.SignalingNodeId).ConfigureAwait(false);
                roster.RemoveRemote(id, entry.SignalingNodeId);
            }
            else if (!roster.TryGetRemote(id, out var shown) || shown.Info.Connection != ParticipantConnection.Reconnecting)
            {
                var reconnecting = entry.Info with { Connection = ParticipantConnection.Reconnecting };
                roster.SetRemote(new ParticipantUpdateMessage(id, entry.Info.DisplayName, ParticipantUpdateMessage.ConnectionChanged, null) { Participant = reconnecting }, entry.SignalingNodeId, now);
            }
        }
        // Shown here but gone from the map (a LEFT event that was lost).
        foreach (var shown in roster.Remote.ToArray())
            if (!entries.ContainsKey(shown.Info.ParticipantId) && time.GetElapsedTime(shown.TouchedAt) > UnconfirmedGrace)
                roster.RemoveRemote(shown.Info.ParticipantId, shown.NodeId);
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "Participant {ParticipantId} of {MeetingId} reconnected to signaling node {NodeId}: its session here closes")]
    private partial void LogMovedAway(string participantId, string meetingId, string nodeId);
}
