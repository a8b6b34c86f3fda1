using System.Text.Json;
using Meet.Tests.Support;

namespace Meet.Tests.Benchmarks.Meeting;

// The load generator's smoke scenario, run as users run it (`Meet.Benchmarks meeting smoke`): a real
// server process, two simulcast cameras and three viewers on the .NET client library over loopback, with
// Media:LastN = 1. It asserts that everyone joined, every subscriber received the one video last-N allows
// (never both) and the cameras' audio, and sent back browser-like RTCP, never timings, so the tool
// cannot rot and its expectations follow the server's LastN.
public sealed class MeetingCommandTests
{
    [Test]
    [CancelAfter(180_000)]
    public async Task Smoke_run_with_last_n_one_joins_everyone_and_every_subscriber_receives_one_video_and_the_audio(CancellationToken cancellationToken)
    {
        var output = TempDirectory.Create("meet-meeting-smoke-");
        // Two seconds of warm-up: the dominant speaker is decided before the window, so a viewer's one
        // video does not switch cameras inside it (both would count as received in the window).
        var (exitCode, _, log) = await BenchmarksAssembly.RunAsync(["meeting", "smoke", "--seconds", "2", "--warmup", "2", "--receive-loss", "3", "--last-n", "1", "--quiet", "--out", output], cancellationToken);

        exitCode.Should().Be(0, log);
        File.Exists(Path.Combine(output, "results.md")).Should().BeTrue();
        using var results = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "results.json"), cancellationToken));
        var step = results.RootElement.GetProperty("steps")[0];
        step.GetProperty("joinFailures").GetInt32().Should().Be(0, log);
        step.GetProperty("joined").GetInt32().Should().Be(step.GetProperty("participants").GetInt32(), log);
        step.GetProperty("subscribers").GetInt32().Should().Be(5, "two cameras and three viewers all subscribe");
        step.GetProperty("subscribersWithAllMedia").GetInt32().Should().Be(5, log);
        step.GetProperty("streamsReceived").GetInt32().Should().Be(step.GetProperty("streamsExpected").GetInt32(), log);
        // Each viewer: one video (LastN) and both cameras' audio; each camera: the other's video and audio.
        step.GetProperty("lastN").GetInt32().Should().Be(1);
        step.GetProperty("streamsExpected").GetInt32().Should().Be(3 * (1 + 2) + 2 * (1 + 1), log);
        step.GetProperty("viewerVideosMax").GetInt32().Should().Be(1, "last-N 1: a viewer receives one camera's video, not both");
        step.GetProperty("viewerKbpsMean").GetDouble().Should().BePositive(log);
        step.GetProperty("packetsOutPerSecond").GetDouble().Should().BePositive();
        // Browser-like receivers: reports and transport-cc feedback went back, and the simulated 3 %
        // downlink loss was NACKed and reached the server's NACK handling.
        var feedback = step.GetProperty("subscriberFeedback");
        feedback.GetProperty("receiverReports").GetInt64().Should().BePositive(log);
        feedback.GetProperty("transportFeedback").GetInt64().Should().BePositive(log);
        feedback.GetProperty("nackedSequences").GetInt64().Should().BePositive(log);
        step.GetProperty("serverNacksReceived").GetDouble().Should().BePositive(log);
        // Issue 14: one-way latency split — the server's own added latency (its /metrics histogram) and the
        // generator's send and receive lags are there and positive (no bound: timings are not asserted).
        step.GetProperty("serverLatencySamples").GetInt64().Should().BePositive(log);
        step.GetProperty("serverLatencyP50Ms").GetDouble().Should().BePositive(log);
        step.GetProperty("serverLatencyP99Ms").GetDouble().Should().BeGreaterThanOrEqualTo(step.GetProperty("serverLatencyP50Ms").GetDouble());
        step.GetProperty("sendLagP50Ms").GetDouble().Should().BePositive(log);
        step.GetProperty("receiveLagP50Ms").GetDouble().Should().BePositive(log);
        File.ReadAllText(Path.Combine(output, "results.md")).Should().Contain("server p50 / p99 / p99.9 ms");
    }

    // Issue 14: with --media-after-joins the cameras start only once everyone joined (CPU per join is
    // then the joins' own); the run must still end with every subscriber receiving every publisher.
    // Issue 10: the cameras take turns talking (--speaker-turns): the turns run, the viewers see each
    // talker's video (both cameras are within last-N here, so "already in view") and the server
    // announces a talker as the dominant speaker, and the server's speaker-change records reach the
    // generator through its child server. Counts only, never a latency.
    [Test]
    [CancelAfter(180_000)]
    public async Task Smoke_run_with_media_after_the_joins_still_delivers_every_publishers_media(CancellationToken cancellationToken)
    {
        var output = TempDirectory.Create("meet-meeting-smoke-after-");
        var (exitCode, _, log) = await BenchmarksAssembly.RunAsync(["meeting", "smoke", "--media-after-joins", "--seconds", "3", "--warmup", "0",
            "--speaker-turns", "1.5", "--talk-spurt", "1.2", "--quiet", "--out", output], cancellationToken);

        exitCode.Should().Be(0, log);
        using var results = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "results.json"), cancellationToken));
        var step = results.RootElement.GetProperty("steps")[0];
        step.GetProperty("joined").GetInt32().Should().Be(step.GetProperty("participants").GetInt32(), log);
        step.GetProperty("subscribersWithAllMedia").GetInt32().Should().Be(5, log);
        step.GetProperty("streamsReceived").GetInt32().Should().Be(step.GetProperty("streamsExpected").GetInt32(), log);
        var speakerChanges = step.GetProperty("speakerChanges");
        speakerChanges.GetProperty("turns").GetInt32().Should().BeGreaterThanOrEqualTo(2, log);
        (speakerChanges.GetProperty("samples").GetInt32() + speakerChanges.GetProperty("alreadyInView").GetInt32()).Should().BePositive(log);
        speakerChanges.GetProperty("announcedSamples").GetInt32().Should().BePositive("a talker became the dominant speaker: " + log);
        // The server's own stamps came back from the child server and matched the turns: each change's
        // voice onset and decision, and per subscriber either a keyframe sent or "already forwarding".
        var server = step.GetProperty("serverSpeakerChanges");
        server.GetProperty("changes").GetInt32().Should().BePositive(log);
        server.GetProperty("onsetToDecision").GetProperty("count").GetInt32().Should().BePositive(log);
        (server.GetProperty("alreadyForwarding").GetInt32() + server.GetProperty("decisionToKeyFrameSent").GetProperty("count").GetInt32())
            .Should().BePositive(log);
    }
}
