using System.Threading.Channels;
using Meet.Modules.Media.Remote.Grpc;

namespace Meet.Modules.Media.Remote;

// The SFU's listener for a participant whose signaling lives on another node: turns each event into a
// MediaEvent on the stream's queue. Never blocks the media thread; a full queue drops and counts.
internal sealed class RemoteListener(ChannelWriter<MediaEvent> events) : IMediaParticipantListener
{
    private long dropped;

    public long Dropped => Interlocked.Read(ref dropped);

    public void OnSubscriberOffer(string offerSdp, ulong version) =>
        Post(new MediaEvent { SubscriberOffer = new SubscriberOffer { Sdp = offerSdp, Version = version } });

    public void OnConnectionStateChanged(MediaConnectionState state) =>
        Post(new MediaEvent { ConnectionState = new ConnectionState { State = state.ToString() } });

    public void OnActiveSpeakerChanged(ActiveSpeakerUpdate update)
    {
        var message = new ActiveSpeaker { DominantSpeakerId = update.DominantSpeakerId ?? "" };
        message.RecentSpeakers.Add(update.RecentSpeakers);
        Post(new MediaEvent { ActiveSpeaker = message });
    }

    public void OnSlotAssignments(IReadOnlyList<MediaSlotAssignment> slots)
    {
        var message = new SlotAssignments();
        foreach (var slot in slots)
            message.Slots.Add(new SlotAssignment { Mid = slot.Mid, Kind = slot.Kind, ParticipantId = slot.ParticipantId ?? "", TrackId = slot.TrackId ?? "" });
        Post(new MediaEvent { SlotAssignments = message });
    }

    private void Post(MediaEvent e)
    {
        if (!events.TryWrite(e))
            Interlocked.Increment(ref dropped);
    }
}
