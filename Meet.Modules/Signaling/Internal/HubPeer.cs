using Microsoft.AspNetCore.SignalR;

namespace Meet.Modules.Signaling.Internal;

// Sends to one SignalR connection without awaiting: callers are roster batches and the media thread.
// batchedUpdates: the client joined with JoinBatched and takes a flush as one "ParticipantUpdates".
// meetingGroup: the SignalR group of the meeting's connections (HubMeetingBroadcast), which the hub
// joins before the session and leaves with it.
internal sealed class HubPeer(IHubContext<SignalingHub> hub, string connectionId, HubCallerContext context, SignalingTraffic traffic, bool batchedUpdates, string meetingGroup) : ISignalingPeer
{
    private IClientProxy Client => hub.Clients.Client(connectionId);

    private void Send(string method, object? argument)
    {
        traffic.Sent();
        _ = Client.SendAsync(method, argument);
    }

    public void SendSubscriberOffer(string sdp, long version)
    {
        traffic.Sent();
        _ = Client.SendAsync("SubscriberOffer", sdp, version);
    }

    public void SendParticipantUpdates(IReadOnlyList<ParticipantUpdateMessage> updates)
    {
        if (batchedUpdates)
        {
            traffic.SentRoster(updates.Count);
            Send("ParticipantUpdates", updates);
            return;
        }
        foreach (var update in updates)
        {
            traffic.SentRoster(1);
            Send("ParticipantUpdate", update);
        }
    }

    public void SendError(int code, string message) => Send("Error", new ErrorMessage(code, message));

    public void SendActiveSpeaker(ActiveSpeakerMessage speaker) => Send("ActiveSpeaker", speaker);

    public void SendMediaReconnect(string reason) => Send("MediaReconnect", new MediaReconnectMessage(reason));

    public void SendMediaMoved(string reason) => Send("MediaReconnect", new MediaReconnectMessage(reason) { NewNode = true });

    public void SendChat(ChatMessage message) => Send("Chat", message);

    public bool ReceivesMeetingChatByGroup => true;

    public Task LeaveMeetingGroupAsync() => hub.Groups.RemoveFromGroupAsync(connectionId, meetingGroup);

    public void SendMeetingState(MeetingStateMessage state) => Send("MeetingState", state);

    public void SendNotice(NoticeMessage notice) => Send("Notice", notice);
    public void SendSlotAssignments(IReadOnlyList<SlotAssignmentMessage> slots) => Send("SlotAssignments", slots);

    public void SendPublisherLayers(PublisherLayersMessage layers) => Send("PublisherLayers", layers);

    public void Close()
    {
        // Out of the meeting's chat at once, not when the connection is gone.
        _ = LeaveMeetingGroupAsync();
        // Let the error queued just before go out first.
        _ = Task.Delay(100).ContinueWith(_ => context.Abort(), TaskScheduler.Default);
    }
}
