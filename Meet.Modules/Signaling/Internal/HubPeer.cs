using Microsoft.AspNetCore.SignalR;

namespace Meet.Modules.Signaling.Internal;

// Sends to one SignalR connection without awaiting: callers are roster batches and the media thread.
internal sealed class HubPeer(IHubContext<SignalingHub> hub, string connectionId, HubCallerContext context) : ISignalingPeer
{
    private IClientProxy Client => hub.Clients.Client(connectionId);

    public void SendSubscriberOffer(string sdp, long version) => _ = Client.SendAsync("SubscriberOffer", sdp, version);

    public void SendParticipantUpdates(IReadOnlyList<ParticipantUpdateMessage> updates)
    {
        foreach (var update in updates)
            _ = Client.SendAsync("ParticipantUpdate", update);
    }

    public void SendError(int code, string message) => _ = Client.SendAsync("Error", new ErrorMessage(code, message));

    public void SendActiveSpeaker(ActiveSpeakerMessage speaker) => _ = Client.SendAsync("ActiveSpeaker", speaker);

    public void SendSlotAssignments(IReadOnlyList<SlotAssignmentMessage> slots) => _ = Client.SendAsync("SlotAssignments", slots);

    public void SendMediaReconnect(string reason) => _ = Client.SendAsync("MediaReconnect", new MediaReconnectMessage(reason));

    public void Close()
    {
        // Let the error queued just before go out first.
        _ = Task.Delay(100).ContinueWith(_ => context.Abort(), TaskScheduler.Default);
    }
}
