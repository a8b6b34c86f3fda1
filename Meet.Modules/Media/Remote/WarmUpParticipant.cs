using System.Net;
using System.Threading.Channels;
using Meet.Modules.Client.Media;

namespace Meet.Modules.Media.Remote;

// One side of the warm-up call (MediaNodeWarmUp): a participant added through the node's own control
// port, with a publisher and a subscriber ClientPeerConnection on the node's own address — the path a
// real participant's join or failover takes, end to end.
internal sealed class WarmUpParticipant : IMediaParticipantListener, IAsyncDisposable
{
    private readonly Channel<(string Sdp, ulong Version)> offers = Channel.CreateUnbounded<(string, ulong)>();
    private long videoReceived;

    public WarmUpParticipant(IMediaModule control, string meetingId, string participantId, IPAddress localAddress)
    {
        Publisher = new ClientPeerConnection(localAddress);
        Subscriber = new ClientPeerConnection(localAddress);
        Subscriber.RtpReceived += _ => Interlocked.Increment(ref videoReceived);
        Media = control.AddParticipant(new MediaParticipantRequest(meetingId, participantId, "warm-up"), this);
    }

    public IMediaParticipant Media { get; }

    public ClientPeerConnection Publisher { get; }

    public ClientPeerConnection Subscriber { get; }

    public long RtpReceived => Interlocked.Read(ref videoReceived);

    public void OnSubscriberOffer(string offerSdp, ulong version) => offers.Writer.TryWrite((offerSdp, version));

    public void OnConnectionStateChanged(MediaConnectionState state)
    {
    }

    public async Task PublishAsync(IReadOnlyList<ClientMediaTrack> tracks, CancellationToken cancellationToken)
    {
        var answer = Media.AnswerPublisherOffer(Publisher.CreateOffer(tracks));
        if (!answer.Succeeded || answer.Sdp is null)
            throw new InvalidOperationException($"publisher offer refused: {answer.ErrorCode} {answer.ErrorMessage}");
        Publisher.ApplyAnswer(answer.Sdp);
        if (!await Publisher.Connected.WaitAsync(cancellationToken).ConfigureAwait(false))
            throw new InvalidOperationException("the publisher PeerConnection did not connect");
    }

    // Answers subscriber offers until one carries `tracks` remote tracks, then waits for the connection.
    public async Task SubscribeAsync(int tracks, CancellationToken cancellationToken)
    {
        while (Subscriber.RemoteTracks.Count < tracks)
        {
            var (sdp, version) = await offers.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var applied = Media.ApplySubscriberAnswer(Subscriber.AnswerOffer(sdp), version);
            if (!applied.Succeeded)
                throw new InvalidOperationException($"subscriber answer refused: {applied.ErrorCode} {applied.ErrorMessage}");
        }
        if (!await Subscriber.Connected.WaitAsync(cancellationToken).ConfigureAwait(false))
            throw new InvalidOperationException("the subscriber PeerConnection did not connect");
    }

    public async ValueTask DisposeAsync()
    {
        await Media.DisposeAsync().ConfigureAwait(false);
        await Publisher.DisposeAsync().ConfigureAwait(false);
        await Subscriber.DisposeAsync().ConfigureAwait(false);
    }
}
