using Meet.Modules.Media;

namespace Meet.Modules.Signaling.Internal;

// Stands between a remote media node and a session. While the session's media moves there, the new
// node may offer the subscriber PeerConnection before the client was told to build new ones
// (MEDIA_RECONNECT), so its events wait here until Release, then flow straight through in order. Once
// the session has moved on, Close drops whatever the old node still says (a draining node is alive).
internal sealed class MediaEventGate(IMediaParticipantListener session) : IMediaParticipantListener
{
    private readonly Lock gate = new();
    private List<Action>? held = [];
    private bool closed;

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

    public void Close()
    {
        lock (gate)
        {
            closed = true;
            held = null;
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
            if (closed)
                return;
            if (held is not null)
            {
                held.Add(e);
                return;
            }
        }
        e();
    }
}
