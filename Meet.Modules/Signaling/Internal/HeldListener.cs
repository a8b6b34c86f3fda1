using Meet.Modules.Media;

namespace Meet.Modules.Signaling.Internal;

// Stands between a media node and a session while the session's media moves there: the new node may
// offer the subscriber PeerConnection before the client was told to build new ones (MEDIA_RECONNECT),
// so its events wait here until Release, then flow straight through in their order.
internal sealed class HeldListener(IMediaParticipantListener session) : IMediaParticipantListener
{
    private readonly Lock gate = new();
    private List<Action>? held = [];

    public void Release()
    {
        List<Action> pending;
        lock (gate)
        {
            pending = held ?? [];
            held = null;
            foreach (var e in pending)
                e();
        }
    }

    public void OnSubscriberOffer(string offerSdp, ulong version) => Forward(() => session.OnSubscriberOffer(offerSdp, version));

    public void OnConnectionStateChanged(MediaConnectionState state) => Forward(() => session.OnConnectionStateChanged(state));

    public void OnActiveSpeakerChanged(ActiveSpeakerUpdate update) => Forward(() => session.OnActiveSpeakerChanged(update));

    public void OnSlotAssignments(IReadOnlyList<MediaSlotAssignment> slots) => Forward(() => session.OnSlotAssignments(slots));

    private void Forward(Action e)
    {
        lock (gate)
        {
            if (held is not null)
            {
                held.Add(e);
                return;
            }
        }
        e();
    }
}
