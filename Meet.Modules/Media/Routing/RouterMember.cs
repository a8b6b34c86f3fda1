using Meet.Modules.Media.Transport;

namespace Meet.Modules.Media.Routing;

// One participant as the router sees it: what it publishes (the publisher transport's RtpListener and
// its producers) and what it receives (its SubscriberAllocator's slots and consumers).
internal sealed class RouterMember
{
    public RouterMember(Router router, string participantId, WebRtcTransport publisher, WebRtcTransport subscriber,
        IRouterMemberListener listener, MediaCounters counters, SubscriberAllocator subscribing)
    {
        ParticipantId = participantId;
        Publisher = publisher;
        Subscriber = subscriber;
        Listener = listener;
        Publishing = new RtpListener(router, counters);
        Subscribing = subscribing;
        publisher.PacketListener = Publishing;
        subscriber.PacketListener = new ConsumerFeedbackListener(Subscribing, counters, subscriber.Downlink);
    }

    public string ParticipantId { get; }

    public WebRtcTransport Publisher { get; }

    public WebRtcTransport Subscriber { get; }

    public IRouterMemberListener Listener { get; }

    public RtpListener Publishing { get; }

    public SubscriberAllocator Subscribing { get; }

    public bool HasLeft { get; set; }
}
