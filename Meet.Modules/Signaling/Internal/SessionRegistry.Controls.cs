using Meet.Modules.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Meet.Modules.Signaling.Internal;

// Issue 13: chat, hand raise, roster pages and the host's controls, shared by both transports. The caller
// is always the session (the token's participant); target ids are looked up in the meeting's roster and
// never trusted beyond that.
internal sealed partial class SessionRegistry
{
    public RosterPageMessage GetRosterPage(SignalingSession session, string? after, int limit)
    {
        EnsureLive(session);
        if (limit is < 1 or > 5000)
            throw new SignalingException(SignalingErrorCodes.BadRequest, "limit must be between 1 and 5000");
        if (after is { Length: > 64 })
            throw new SignalingException(SignalingErrorCodes.BadRequest, "afterParticipantId is too long");
        return rosters.TryGetValue(session.MeetingId, out var roster)
            ? roster.Page(session.ParticipantId, string.IsNullOrEmpty(after) ? null : after, limit)
            : new RosterPageMessage(0, [], 0);
    }

    // Meeting-wide when toParticipantId is empty; a direct message goes to the target and back to the sender.
    public ChatMessage SendChat(SignalingSession session, string? text, string? toParticipantId)
    {
        EnsureLive(session);
        if (string.IsNullOrWhiteSpace(text))
            throw new SignalingException(SignalingErrorCodes.BadRequest, "the chat message is empty");
        if (text.Length > Options.ChatMaximumLength)
            throw new SignalingException(SignalingErrorCodes.TooLarge, $"chat messages are at most {Options.ChatMaximumLength} characters");
        SignalingSession? target = null;
        if (!string.IsNullOrEmpty(toParticipantId))
            target = FindMember(session.MeetingId, toParticipantId);
        var meetingControls = ControlsOf(session.MeetingId);
        if (!meetingControls.TryTakeChatToken(session.ParticipantId))
            throw new SignalingException(SignalingErrorCodes.RateLimited, "too many chat messages; wait a moment");
        var message = meetingControls.Record(session.ParticipantId, session.DisplayName, target?.ParticipantId, text);
        if (target is not null)
        {
            target.Peer.SendChat(message);
            if (target != session)
                session.Peer.SendChat(message);
        }
        else if (rosters.TryGetValue(session.MeetingId, out var roster))
        {
            BroadcastChat(roster, message);
        }
        return message;
    }

    // Issue 13's fan-out to 1,000: SignalR members get one group send, serialised once per hub protocol
    // (not once per member); gRPC members share one ServerMessage, queued to each stream's writer.
    private void BroadcastChat(MeetingRoster roster, ChatMessage message)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var byGroup = 0;
        foreach (var member in roster.Members)
        {
            if (member.Peer.ReceivesMeetingChatByGroup)
                byGroup++;
            else
                member.Peer.SendChat(message);
        }
        if (byGroup > 0)
            services.GetRequiredService<HubMeetingBroadcast>().SendChat(roster.MeetingId, message, byGroup);
        Traffic.ChatFannedOut(started);
    }

    public void SetHand(SignalingSession session, bool raised)
    {
        EnsureLive(session);
        if (session.SetHand(raised, ControlsOf(session.MeetingId).NextHandOrder))
            Publish(session, raised ? ParticipantUpdateMessage.HandRaised : ParticipantUpdateMessage.HandLowered, null);
    }

    public async Task HostActionAsync(SignalingSession caller, string? action, string? participantId, string? kind)
    {
        EnsureLive(caller);
        if (action is not (HostActions.Mute or HostActions.MuteAll or HostActions.LowerHand or HostActions.Remove or HostActions.End
            or HostActions.Lock or HostActions.Unlock or HostActions.MakeHost or HostActions.TransferHost or HostActions.AskUnmute))
            throw new SignalingException(SignalingErrorCodes.BadRequest, "unknown host action");
        // The role comes from the token (or a host's grant during the meeting), never from the message.
        if (!caller.IsHost)
            throw new SignalingException(SignalingErrorCodes.Forbidden, $"only a host may {action.Replace('_', ' ')}");
        switch (action)
        {
            case HostActions.Mute:
                if (kind is not (null or "" or "audio"))
                    throw new SignalingException(SignalingErrorCodes.BadRequest, "the host can only mute audio");
                HostMute(FindMember(caller.MeetingId, participantId));
                break;
            case HostActions.MuteAll:
                if (rosters.TryGetValue(caller.MeetingId, out var roster))
                    foreach (var member in roster.Sessions().Where(s => !s.IsHost))
                        HostMute(member);
                break;
            case HostActions.LowerHand:
                var raised = FindMember(caller.MeetingId, participantId);
                if (raised.SetHand(false, () => 0))
                    Publish(raised, ParticipantUpdateMessage.HandLowered, null, byHost: true);
                break;
            case HostActions.AskUnmute:
                var asked = FindMember(caller.MeetingId, participantId);
                asked.Peer.SendNotice(new NoticeMessage(NoticeMessage.AskUnmute, caller.ParticipantId, $"{caller.DisplayName} asks you to unmute"));
                break;
            case HostActions.Remove:
                var removed = FindMember(caller.MeetingId, participantId);
                if (removed == caller)
                    throw new SignalingException(SignalingErrorCodes.BadRequest, "leave instead of removing yourself");
                removed.Peer.SendNotice(new NoticeMessage(NoticeMessage.Removed, caller.ParticipantId, "The host removed you from the meeting."));
                // Revoking closes the session (RevocationEnforcer) and refuses the token from now on.
                revocations.RevokeParticipant(caller.MeetingId, Guid.Parse(removed.ParticipantId));
                break;
            case HostActions.Lock or HostActions.Unlock:
                var locked = action == HostActions.Lock;
                locks.SetLocked(caller.MeetingId, locked);
                if (rosters.TryGetValue(caller.MeetingId, out var lockedRoster))
                    foreach (var member in lockedRoster.Members)
                        member.Peer.SendMeetingState(new MeetingStateMessage(locked));
                break;
            case HostActions.MakeHost:
                ChangeRole(FindMember(caller.MeetingId, participantId), "host");
                break;
            case HostActions.TransferHost:
                var next = FindMember(caller.MeetingId, participantId);
                if (next == caller)
                    throw new SignalingException(SignalingErrorCodes.BadRequest, "you are already the host");
                ChangeRole(next, "host");
                ChangeRole(caller, "participant");
                break;
            case HostActions.End:
                await EndMeetingAsync(caller).ConfigureAwait(false);
                break;
        }
    }

    private void HostMute(SignalingSession target)
    {
        if (target.HoldAudioByHost())
            Publish(target, ParticipantUpdateMessage.Muted, "audio", byHost: true);
    }

    private void ChangeRole(SignalingSession target, string role)
    {
        ControlsOf(target.MeetingId).SetRole(target.ParticipantId, role);
        if (target.Role == role)
            return;
        target.Role = role;
        Publish(target, ParticipantUpdateMessage.RoleChanged, null, byHost: true);
    }

    // The row becomes ENDED, every member is told and closed, and leaving frees its media.
    private async Task EndMeetingAsync(SignalingSession caller)
    {
        using (var scope = scopes.CreateScope())
        {
            var ended = await scope.ServiceProvider.GetRequiredService<IMeetingRepository>().TryEndAsync(caller.MeetingId, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            if (!ended)
                throw new SignalingException(SignalingErrorCodes.MeetingEnded, "the meeting has already ended");
        }
        logger.LogInformation("Host {ParticipantId} ended meeting {MeetingId} over signaling", caller.ParticipantId, caller.MeetingId);
        // The caller's own session closes after its transport has answered the command (CloseAfterReply).
        caller.CloseAfterReply = true;
        await CloseEndedMeetingAsync(caller.MeetingId, except: caller).ConfigureAwait(false);
    }

    public async Task CloseEndedMeetingAsync(string meetingId, SignalingSession? except = null)
    {
        foreach (var session in SessionsOf(meetingId))
            if (session != except)
                await CloseEndedSessionAsync(session).ConfigureAwait(false);
        ForgetMeeting(meetingId);
        locks.SetLocked(meetingId, false);
    }

    public async Task CloseEndedSessionAsync(SignalingSession session)
    {
        session.Peer.SendNotice(new NoticeMessage(NoticeMessage.Ended, null, "The meeting has ended."));
        session.Peer.SendError(SignalingErrorCodes.MeetingEnded, "the meeting has ended");
        session.Peer.Close();
        await LeaveAsync(session).ConfigureAwait(false);
    }

    // A target must be a current member of the caller's meeting: 404 otherwise (an id from another
    // meeting is as unknown as a made-up one).
    private SignalingSession FindMember(string meetingId, string? participantId)
    {
        if (string.IsNullOrEmpty(participantId) || participantId.Length > 64)
            throw new SignalingException(SignalingErrorCodes.BadRequest, "a participantId is required");
        return rosters.TryGetValue(meetingId, out var roster) && roster.TryGet(participantId, out var member)
            ? member
            : throw new SignalingException(SignalingErrorCodes.NotFound, "no such participant in this meeting");
    }
}
