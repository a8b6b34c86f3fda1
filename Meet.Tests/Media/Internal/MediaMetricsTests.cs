using System.Globalization;
using Meet.Modules.Client;
using Meet.Modules.Client.Media;
using Meet.Modules.Signaling.Internal;
using Meet.Modules.Storage;
using Meet.Tests.Support;

namespace Meet.Tests.Media.Internal;

// /metrics carries the SFU's and the packet engine's counters (issue 14): after a bot's packets reach a
// viewer through the real host, the forwarded, engine and DTLS figures are there and non-zero.
public sealed class MediaMetricsTests
{
    private MeetTestHost host = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => host = await MeetTestHost.StartAsync(StorageProvider.Sqlite);

    [OneTimeTearDown]
    public async Task StopAsync() => await host.DisposeAsync();

    [Test]
    public async Task Metrics_export_forwarded_packets_engine_traffic_transports_and_dtls_handshakes()
    {
        MeetClient NewClient(bool answerOffers) => new(new MeetClientOptions
        {
            BaseAddress = host.BaseAddress,
            GrpcAddress = host.Get<GrpcEndpoint>().Address,
            AnswerSubscriberOffers = answerOffers,
        });
        await using var bot = NewClient(answerOffers: false);
        await using var viewer = NewClient(answerOffers: true);
        var received = 0;
        viewer.SubscriberRtpReceived += _ => Interlocked.Increment(ref received);
        var meeting = await bot.CreateMeetingAsync("usr_bot", "metrics");
        await bot.JoinAsync(meeting.MeetingId, "Bot", token: meeting.AccessToken);
        const uint ssrc = 0x5eed_0002;
        var publisher = await bot.PublishAsync([ClientMediaTrack.Vp8(bot.ParticipantId!, "camera", ssrc)]);
        await viewer.JoinAsync(meeting.MeetingId, "Viewer", userId: "usr_viewer");
        await Signaling.SignalingTestBase.EventuallyAsync(() => viewer.Subscriber is { IsConnected: true }, "the viewer's subscriber PC connects", 20_000);

        // Keyframes (VP8 payload descriptor S=1, frame tag P=0) until the viewer has some.
        byte[] keyframe = [0x10, 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x00, 0x05, 0xd0, 0x02, 0, 0, 0];
        ushort sequence = 1;
        await Signaling.SignalingTestBase.EventuallyAsync(() =>
        {
            publisher.SendRtp(ssrc, 96, sequence, sequence * 3000u, true, keyframe);
            sequence++;
            return Volatile.Read(ref received) >= 5;
        }, "the viewer receives the bot's packets", 20_000);

        var text = await host.Client.GetStringAsync("/metrics");

        Value(text, "meet_media_rtp_received_total").Should().BeGreaterThan(0);
        Value(text, "meet_media_rtp_forwarded_total").Should().BeGreaterThanOrEqualTo(5);
        Value(text, "meet_packet_engine_packets_total", "direction=\"in\"").Should().BeGreaterThan(0);
        Value(text, "meet_packet_engine_packets_total", "direction=\"out\"").Should().BeGreaterThan(0);
        Value(text, "meet_packet_engine_batches_total", "direction=\"out\"").Should().BeGreaterThan(0);
        Value(text, "meet_media_transports").Should().BeGreaterThanOrEqualTo(2);
        Value(text, "meet_dtls_handshakes_total", "result=\"succeeded\"").Should().BeGreaterThanOrEqualTo(2);
        text.Should().Contain("meet_media_dropped_total{").And.Contain("reason=\"UnknownSsrc\"").And.Contain("meet_packet_engine_dropped_total{");
        Value(text, "meet_media_subscriber_offers_total").Should().BeGreaterThanOrEqualTo(1);
        Value(text, "meet_media_subscriber_answers_total", "outcome=\"accepted\"").Should().BeGreaterThanOrEqualTo(1);
        Value(text, "meet_media_active_speaker_changes_total").Should().BeGreaterThanOrEqualTo(0);
        Value(text, "meet_media_consumers_paused").Should().BeGreaterThanOrEqualTo(0);
        Value(text, "meet_media_consumers_forwarded").Should().BeGreaterThanOrEqualTo(1, "the viewer's consumer of the bot's camera forwards");
        Value(text, "meet_media_slot_remaps_total").Should().BeGreaterThanOrEqualTo(0);
        // Issue 14: the runtime's GC figures beside them (the meeting command reads the window's pauses).
        Value(text, "dotnet_gc_pause_time_seconds_total").Should().BeGreaterThanOrEqualTo(0);
        Value(text, "dotnet_gc_collections_total").Should().BeGreaterThanOrEqualTo(0);
        // Issue 14: the server's added latency per forwarded copy, as cumulative buckets up to +Inf.
        Value(text, "meet_media_forwarding_latency_total", "le=\"+Inf\"").Should().BeGreaterThanOrEqualTo(5, "every forwarded copy is timed");
        var buckets = text.Split('\n').Where(l => l.StartsWith("meet_media_forwarding_latency_total{", StringComparison.Ordinal)).ToList();
        buckets.Should().HaveCountGreaterThanOrEqualTo(2, "at least one finite bucket and +Inf");
        var parsed = Meet.Benchmarks.Meeting.ServerLatencyBuckets.Parse(text);
        parsed.BoundCount.Should().Be(buckets.Count);
        parsed.Total.Should().Be(Value(text, "meet_media_forwarding_latency_total", "le=\"+Inf\""));
        Meet.Benchmarks.Meeting.ServerLatencyBuckets.PercentileMs(Meet.Benchmarks.Meeting.ServerLatencyBuckets.Empty, parsed, 0.5)
            .Should().BePositive().And.BeLessThan(double.PositiveInfinity, "the generator reads a median from the same text");
    }

    // The first sample of that name (carrying that label, if given); the value is the line's last field.
    private static double Value(string metrics, string name, string? label = null)
    {
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal) && l.Length > name.Length
            && l[name.Length] is ' ' or '{' && (label is null || l.Contains(label, StringComparison.Ordinal)));
        line.Should().NotBeNull($"/metrics has {name} {label}");
        return double.Parse(line!.Split(' ')[^1].Trim(), CultureInfo.InvariantCulture);
    }
}
