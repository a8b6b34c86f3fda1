using Meet.Modules.Client;
using Meet.Modules.Client.Media;
using Meet.Modules.Media;
using Meet.Modules.Signaling.Internal;
using Meet.Tests.Browser;
using Meet.Tests.Support;
using Microsoft.Playwright;

namespace Meet.Tests.Client;

// Issue 5's gRPC path with a real decoder: a .NET bot joins over REST + gRPC signaling (the seed's
// proto, plus Meet's additive extensions) and publishes an ffmpeg-encoded VP8 clip; a Chromium
// participant in the same meeting, joined through the web UI, decodes its frames.
public sealed class MeetClientChromiumTests : BrowserFixture
{
    [Test]
    public async Task Chromium_decodes_the_VP8_a_gRPC_bot_publishes()
    {
        var frames = await Vp8Clip.EncodeAsync(TempDirectory.Create("meet-vp8-chromium-"), 60);
        var media = Harness.Host.Get<IMediaModule>();
        var before = media.GetResourceCounts();
        var bot = new MeetClient(new MeetClientOptions
        {
            BaseAddress = Harness.Host.BaseAddress,
            GrpcAddress = Harness.Host.Get<GrpcEndpoint>().Address,
            Transport = SignalingTransport.Grpc,
        });
        var meeting = await bot.CreateMeetingAsync("usr_bot", "gRPC bot and Chromium");
        await bot.JoinAsync(meeting.MeetingId, "Bot", token: meeting.AccessToken);
        const uint ssrc = 0x5eed_0002;
        var publisher = await bot.PublishAsync([ClientMediaTrack.Vp8(bot.ParticipantId!, "camera", ssrc)]);
        using var stop = new CancellationTokenSource();
        var sending = SendLoopAsync(publisher, ssrc, frames, stop.Token);

        var page = await Harness.NewParticipantAsync(Browser);
        await MeetPage.JoinFromLandingAsync(page, "Viewer", meeting.MeetingId);
        await MeetPage.WaitForStateAsync(page, MediaTimeout, "joined");
        var first = await WaitForFramesAsync(page, bot.ParticipantId!, 1);
        var later = await WaitForFramesAsync(page, bot.ParticipantId!, first + 10);
        await stop.CancelAsync();
        await sending;
        await bot.DisposeAsync();
        await page.Context.CloseAsync();

        TestContext.Out.WriteLine($"Chromium decoded {first} then {later} frames of the bot's VP8");
        later.Should().BeGreaterThan(first, "Chromium keeps decoding the bot's stream");
        await SignalingTestsEventuallyAsync(() => media.GetResourceCounts() == before, "the bot's and the viewer's media are freed");
    }

    // Loops the clip at its frame rate with continuous sequence numbers and timestamps, RFC 7741 packets.
    private static async Task SendLoopAsync(ClientPeerConnection publisher, uint ssrc, IReadOnlyList<byte[]> frames, CancellationToken stop)
    {
        ushort sequence = 1;
        uint timestamp = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / Vp8Clip.FramesPerSecond));
        try
        {
            for (var i = 0; await timer.WaitForNextTickAsync(stop); i++)
            {
                var packets = Vp8Clip.Packetize(frames[i % frames.Count]).ToArray();
                for (var p = 0; p < packets.Length; p++)
                    publisher.SendRtp(ssrc, 96, sequence++, timestamp, p == packets.Length - 1, packets[p]);
                timestamp += 90000 / Vp8Clip.FramesPerSecond;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task<long> WaitForFramesAsync(IPage page, string participantId, long atLeast)
    {
        var deadline = DateTime.UtcNow + MediaTimeout;
        long decoded = 0;
        while (DateTime.UtcNow < deadline)
        {
            var stats = await MeetPage.StatsAsync(page);
            decoded = stats.TryGetValue(participantId, out var s) ? s.FramesDecoded : 0;
            if (decoded >= atLeast)
                return decoded;
            await Task.Delay(100);
        }
        Assert.Fail($"Chromium decoded {decoded} frames of the bot's video, wanted {atLeast}");
        return decoded;
    }

    private static Task SignalingTestsEventuallyAsync(Func<bool> condition, string because) =>
        Signaling.SignalingTestBase.EventuallyAsync(condition, because, 20_000);
}
