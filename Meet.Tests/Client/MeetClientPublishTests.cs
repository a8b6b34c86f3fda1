using System.Collections.Concurrent;
using Meet.Modules.Client;
using Meet.Modules.Client.Media;
using Meet.Modules.Media;
using Meet.Modules.Signaling.Internal;
using Meet.Modules.Storage;
using Meet.Tests.Support;

namespace Meet.Tests.Client;

// MeetClient against the real host and SFU: a bot publishes an ffmpeg-encoded VP8 clip over REST +
// signaling + ICE/DTLS/SRTP, another client subscribes, and ffmpeg decodes what arrived.
[TestFixture(SignalingTransport.Grpc)]
[TestFixture(SignalingTransport.SignalR)]
public sealed class MeetClientPublishTests(SignalingTransport transport)
{
    private MeetTestHost host = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => host = await MeetTestHost.StartAsync(StorageProvider.Sqlite);

    [OneTimeTearDown]
    public async Task StopAsync() => await host.DisposeAsync();

    private MeetClient NewClient(bool answerOffers) => new(new MeetClientOptions
    {
        BaseAddress = host.BaseAddress,
        GrpcAddress = host.Get<GrpcEndpoint>().Address,
        Transport = transport,
        AnswerSubscriberOffers = answerOffers,
    });

    [Test]
    public async Task A_bot_publishes_a_VP8_clip_that_another_participant_receives_and_ffmpeg_decodes()
    {
        var directory = TempDirectory.Create("meet-vp8-");
        var frames = await Vp8Clip.EncodeAsync(directory, 30);
        var mediaBefore = host.Get<IMediaModule>().GetResourceCounts().Participants;
        await using var bot = NewClient(answerOffers: false);
        await using var viewer = NewClient(answerOffers: true);
        var received = new ConcurrentQueue<byte[]>();
        viewer.SubscriberRtpReceived += packet => received.Enqueue(packet.ToArray());

        var meeting = await bot.CreateMeetingAsync("usr_bot", "VP8 publish");
        await bot.JoinAsync(meeting.MeetingId, "Bot", token: meeting.AccessToken);
        const uint ssrc = 0x5eed_0001;
        var publisher = await bot.PublishAsync([ClientMediaTrack.Vp8(bot.ParticipantId!, "camera", ssrc)]);
        await viewer.JoinAsync(meeting.MeetingId, "Viewer", userId: "usr_viewer");
        await EventuallyAsync(() => viewer.Subscriber is { IsConnected: true } && viewer.RemoteTracks.Any(t => t.Kind == "video"), "the viewer's subscriber PC is connected with the bot's track in a slot");

        ushort sequence = 1000;
        for (var i = 0; i < frames.Count; i++)
        {
            var packets = Vp8Clip.Packetize(frames[i]).ToArray();
            for (var p = 0; p < packets.Length; p++)
                publisher.SendRtp(ssrc, 96, sequence++, (uint)(i * (90000 / Vp8Clip.FramesPerSecond)), p == packets.Length - 1, packets[p]);
            await Task.Delay(15);
        }
        await EventuallyAsync(() => Vp8Clip.Reassemble(received.ToArray()).Count >= frames.Count * 8 / 10, "most frames arrive");
        var decoded = await Vp8Clip.DecodeAsync(directory, Vp8Clip.Reassemble(received.ToArray()));

        viewer.RemoteTracks.Should().Contain(t => t.Kind == "video" && t.StreamId == bot.ParticipantId && t.TrackId == "camera",
            "the slot assignment names the publishing participant and its track");
        decoded.Should().BeGreaterThanOrEqualTo(frames.Count * 8 / 10);
        await bot.LeaveAsync();
        await viewer.LeaveAsync();
        await EventuallyAsync(() => host.Get<IMediaModule>().GetResourceCounts().Participants == mediaBefore, "leaving frees both media participants");
    }

    private static Task EventuallyAsync(Func<bool> condition, string because) => Signaling.SignalingTestBase.EventuallyAsync(condition, because, 20_000);
}
