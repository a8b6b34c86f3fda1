using Grpc.Net.Client;
using Meet.Modules.Media.Remote.Grpc;

namespace Meet.Modules.Media.Remote;

// IMediaModule of a media node in another process, over media_node.proto. One HTTP/2 channel per node;
// each participant is one Attach stream on it.
internal sealed class RemoteMediaModule : IMediaModule, IDisposable
{
    private readonly GrpcChannel channel;
    private readonly MediaNodeService.MediaNodeServiceClient client;
    private readonly string clusterKey;
    private readonly TimeSpan callTimeout;
    private readonly Action streamLost;

    public RemoteMediaModule(Uri address, string clusterKey, TimeSpan callTimeout, Action streamLost)
    {
        this.streamLost = streamLost;
        Address = address;
        this.clusterKey = clusterKey;
        this.callTimeout = callTimeout;
        channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                // A dead node must be noticed on the stream too, not only by the registry.
                KeepAlivePingDelay = TimeSpan.FromSeconds(1),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(2),
                ConnectTimeout = callTimeout,
            },
        });
        client = new MediaNodeService.MediaNodeServiceClient(channel);
    }

    public Uri Address { get; }

    // Blocks until the node has created the participant (the contract is synchronous; the signaling
    // session calls it once per join or move).
    public IMediaParticipant AddParticipant(MediaParticipantRequest request, IMediaParticipantListener listener)
    {
        var participant = new RemoteMediaParticipant(client.Attach(ClusterKey.Headers(clusterKey)), request.ParticipantId, listener, callTimeout, streamLost);
        var added = participant.Add(new AddParticipant
        {
            MeetingId = request.MeetingId,
            ParticipantId = request.ParticipantId,
            DisplayName = request.DisplayName,
            AudioMode = request.AudioMode?.ToString() ?? "",
        });
        if (added.Succeeded)
            return participant;
        participant.DisposeAsync().AsTask().GetAwaiter().GetResult();
        throw new InvalidOperationException($"media node {Address} refused the participant: {added.ErrorCode} {added.ErrorMessage}");
    }

    public MediaResourceCounts GetResourceCounts()
    {
        var counts = client.GetResourceCounts(new ResourceCountsRequest(), ClusterKey.Headers(clusterKey), DateTime.UtcNow + callTimeout);
        return new MediaResourceCounts(counts.Routers, counts.Participants, counts.Transports, counts.Producers, counts.Consumers);
    }

    public async Task ProbeAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        await client.GetResourceCountsAsync(new ResourceCountsRequest(), ClusterKey.Headers(clusterKey), DateTime.UtcNow + timeout, cancellationToken).ConfigureAwait(false);

    public void Dispose() => channel.Dispose();
}
