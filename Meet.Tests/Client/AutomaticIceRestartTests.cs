using System.Collections.Concurrent;
using Meet.Modules.Client;
using Meet.Modules.Client.Media;
using Meet.Modules.Media.Protocols.Ice;
using Meet.Modules.Signaling.Internal;
using Meet.Modules.Storage;
using Meet.PacketEngine;
using Meet.PacketEngine.FaultInjection;
using Meet.Tests.Support;

namespace Meet.Tests.Client;

// Issue 15: the .NET client restarts ICE by itself, as the web client's handover.ts does, when a
// PeerConnection stays 'disconnected' (consent checks unanswered) for MeetClientOptions.
// IceRestartAfterDisconnected. The server's path to the client's two sockets is cut (100 % loss on the
// per-destination impairment): consent answers stop, each PeerConnection restarts on a new socket over
// the signaling connection, the SFU moves to the new path once it answered STUN, and audio flows both
// ways again. A healthy call with the same settings restarts nothing.
public sealed class AutomaticIceRestartTests
{
    // Faster than the defaults (5 s checks, 2.5 s unanswered) so the test takes seconds; same logic.
    private static readonly IceControllingAgentOptions QuickIce = new()
    {
        ConsentInterval = TimeSpan.FromMilliseconds(500),
        UnansweredConsentInterval = TimeSpan.FromMilliseconds(250),
        DisconnectedTimeout = TimeSpan.FromSeconds(1),
    };

    private MeetTestHost host = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => host = await MeetTestHost.StartAsync(StorageProvider.Sqlite, settings: new Dictionary<string, string>
    {
        // Enabled with no whole-channel impairment: only the paths set below are impaired.
        ["PacketEngine:FaultInjection:Enabled"] = "true",
    });

    [OneTimeTearDown]
    public async Task StopAsync() => await host.DisposeAsync();

    private MeetClient NewClient(TimeSpan? restartAfter) => new(new MeetClientOptions
    {
        BaseAddress = host.BaseAddress,
        GrpcAddress = host.Get<GrpcEndpoint>().Address,
        AnswerSubscriberOffers = true,
        Ice = QuickIce,
        IceRestartAfterDisconnected = restartAfter,
    });

    [Test]
    public async Task A_client_whose_path_goes_silent_restarts_ice_by_itself_and_media_comes_back()
    {
        var paths = host.Get<IPathImpairments>();
        await using var mover = NewClient(TimeSpan.FromSeconds(2));
        await using var peer = NewClient(restartAfter: null);
        var meeting = await mover.CreateMeetingAsync("usr_mover", "Automatic ICE restart");
        await mover.JoinAsync(meeting.MeetingId, "Mover", token: meeting.AccessToken);
        await peer.JoinAsync(meeting.MeetingId, "Peer", userId: "usr_peer");
        var moverArrivals = new ConcurrentQueue<int>();
        var peerArrivals = new ConcurrentQueue<int>();
        mover.SubscriberRtpReceived += _ => moverArrivals.Enqueue(0);
        peer.SubscriberRtpReceived += _ => peerArrivals.Enqueue(0);
        var moverPublisher = await mover.PublishAsync([ClientMediaTrack.Opus(mover.ParticipantId!, "mic", 0x1ce0_0001)]);
        var peerPublisher = await peer.PublishAsync([ClientMediaTrack.Opus(peer.ParticipantId!, "mic", 0x1ce0_0002)]);
        using var sending = new CancellationTokenSource();
        var senders = Task.WhenAll(NetworkHandoverTests.SendAudioAsync(moverPublisher, 0x1ce0_0001, sending.Token), NetworkHandoverTests.SendAudioAsync(peerPublisher, 0x1ce0_0002, sending.Token));
        PacketAddress[] cut = [];
        try
        {
            await EventuallyAsync(() => !moverArrivals.IsEmpty && !peerArrivals.IsEmpty, "audio flows both ways first");
            var moverSubscriber = mover.Subscriber!;
            // Several consent rounds on a healthy path: nothing restarts.
            await Task.Delay(TimeSpan.FromSeconds(3));
            mover.AutomaticIceRestarts.Should().Be(0, "a healthy path answers its consent checks");
            moverSubscriber.IsIceDisconnected.Should().BeFalse();

            var disconnected = 0;
            moverSubscriber.IceDisconnected += () => Interlocked.Increment(ref disconnected);
            moverPublisher.IceDisconnected += () => Interlocked.Increment(ref disconnected);
            cut = [PacketAddress.FromEndPoint(moverSubscriber.LocalEndPoint), PacketAddress.FromEndPoint(moverPublisher.LocalEndPoint)];
            foreach (var address in cut)
                paths.Set(address, new PathImpairment { LossPercent = 100 });

            await EventuallyAsync(() => mover.AutomaticIceRestarts == 2, "both PeerConnections restarted ICE by themselves");
            await EventuallyAsync(() => !moverSubscriber.IsRestartingIce && !moverPublisher.IsRestartingIce, "both moved to their new sockets");
            var (moverBefore, peerBefore) = (moverArrivals.Count, peerArrivals.Count);
            await EventuallyAsync(() => moverArrivals.Count > moverBefore + 50 && peerArrivals.Count > peerBefore + 50, "audio flows both ways again");

            Volatile.Read(ref disconnected).Should().Be(2, "each PeerConnection reported disconnected once");
            moverSubscriber.IceRestarts.Should().Be(1);
            moverPublisher.IceRestarts.Should().Be(1);
            cut.Should().NotContain(PacketAddress.FromEndPoint(moverSubscriber.LocalEndPoint), "the subscriber moved to a new socket");
            cut.Should().NotContain(PacketAddress.FromEndPoint(moverPublisher.LocalEndPoint), "the publisher moved to a new socket");
            peer.AutomaticIceRestarts.Should().Be(0, "the peer's paths were never cut");
            (await EventuallyTrueAsync(() => !moverSubscriber.IsIceDisconnected && !moverPublisher.IsIceDisconnected)).Should().BeTrue("consent is answered on the new paths");
        }
        finally
        {
            foreach (var address in cut)
                paths.Clear(address);
            await sending.CancelAsync();
            await senders;
        }
    }

    private static async Task<bool> EventuallyTrueAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
            await Task.Delay(100);
        return condition();
    }

    private static Task EventuallyAsync(Func<bool> condition, string because) => Signaling.SignalingTestBase.EventuallyAsync(condition, because, 30_000);
}
