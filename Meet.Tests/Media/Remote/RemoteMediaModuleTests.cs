using System.Net;
using System.Net.Sockets;
using Meet.Modules.Client.Media;
using Meet.Modules.Media;
using Meet.Modules.Media.Remote;
using Meet.Modules.Storage;
using Meet.Tests.Support;

namespace Meet.Tests.Media.Remote;

// The media-node contract over gRPC against a real media-only node (Node:Roles=media) in this process:
// the same IMediaModule calls a signaling node makes, answered by the node's SFU.
public sealed class RemoteMediaModuleTests
{
    private const string Key = "remote-media-tests-cluster-key";

    private static async Task<(MeetTestHost Host, Uri Control)> StartMediaNodeAsync(bool warmUp = false)
    {
        var port = FreePort();
        var host = await MeetTestHost.StartAsync(StorageProvider.Sqlite, settings: new Dictionary<string, string>
        {
            ["Node:Roles"] = "media",
            ["Node:ControlPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Node:ClusterKey"] = Key,
            // Off unless tested: the warm-up call's participants would be in the counts asserted here.
            ["Node:WarmUp"] = warmUp ? "true" : "false",
        });
        return (host, new Uri($"http://127.0.0.1:{port}"));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task A_remote_participant_gets_an_answer_and_a_subscriber_offer_and_leaving_frees_it(CancellationToken cancellationToken)
    {
        var (host, control) = await StartMediaNodeAsync();
        await using var _ = host;
        using var remote = new RemoteMediaModule(control, Key, TimeSpan.FromSeconds(10), () => { });
        var listener = new RecordingListener();
        await using var publisher = new ClientPeerConnection();

        var participant = remote.AddParticipant(new MediaParticipantRequest("mtg-remote", "p-1", "Remote"), listener);
        var answer = participant.AnswerPublisherOffer(publisher.CreateOffer([ClientMediaTrack.Vp8("p-1", "p-1-video", 1234)]));

        answer.Succeeded.Should().BeTrue(answer.ErrorMessage);
        answer.Sdp.Should().StartWith("v=0");
        participant.AddRemoteCandidate("not a candidate", "0", subscriberPc: false).Succeeded.Should().BeFalse("the node's validation answers across the wire");
        remote.GetResourceCounts().Participants.Should().Be(1);

        await participant.DisposeAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (remote.GetResourceCounts().Participants != 0 && DateTime.UtcNow < deadline)
            await Task.Delay(50, cancellationToken);
        remote.GetResourceCounts().Participants.Should().Be(0);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task A_caller_without_the_cluster_key_is_refused(CancellationToken cancellationToken)
    {
        var (host, control) = await StartMediaNodeAsync();
        await using var _ = host;
        using var stranger = new RemoteMediaModule(control, "not-the-cluster-key-at-all", TimeSpan.FromSeconds(10), () => { });

        var add = () => stranger.AddParticipant(new MediaParticipantRequest("mtg-remote", "p-2", "Stranger"), new RecordingListener());
        var counts = () => stranger.GetResourceCounts();

        add.Should().Throw<InvalidOperationException>();
        counts.Should().Throw<Grpc.Core.RpcException>().Which.StatusCode.Should().Be(Grpc.Core.StatusCode.PermissionDenied);
        await Task.CompletedTask;
    }

    // Issue 15's failover gap: a media-only node holds one call with itself through its own control port
    // (ICE, DTLS, SRTP, forwarding) before it registers, and leaves nothing behind.
    [Test]
    [CancelAfter(90_000)]
    public async Task A_media_only_node_warms_up_with_a_call_through_its_own_control_port_before_it_registers(CancellationToken cancellationToken)
    {
        var (host, control) = await StartMediaNodeAsync(warmUp: true);
        await using var _ = host;
        var readiness = host.Get<Meet.Modules.Allocation.MediaNodeReadiness>();
        var node = host.Get<Meet.Modules.Allocation.ILocalMediaNode>();

        await readiness.Ready.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        while (node.ServerId is null)
            await Task.Delay(20, cancellationToken);

        readiness.WarmedUp.Should().BeTrue("the warm-up call ran until video was forwarded");
        using var remote = new RemoteMediaModule(control, Key, TimeSpan.FromSeconds(10), () => { });
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (remote.GetResourceCounts().Participants != 0 && DateTime.UtcNow < deadline)
            await Task.Delay(50, cancellationToken);
        remote.GetResourceCounts().Should().BeEquivalentTo(new MediaResourceCounts(0, 0, 0, 0, 0), "the warm-up call's routers, transports, producers and consumers are gone");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class RecordingListener : IMediaParticipantListener
    {
        public void OnSubscriberOffer(string offerSdp, ulong version)
        {
        }

        public void OnConnectionStateChanged(MediaConnectionState state)
        {
        }
    }
}
