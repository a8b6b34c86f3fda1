using Meet.Modules.Media.Internal;

namespace Meet.Tests.Browser;

// Issue 11, the seed's Failure Scenario 1 ("High Packet Loss Recovery"): what the SFU sends is impaired
// by the fault-injection engine (send direction only, so the publishers' uplinks stay clean). With 10 %
// loss and a short RTT the subscriber's NACKs are answered with RTX from the cache and video keeps
// decoding; with 200 ms added delay (RTT > Media:NackRttLimit, 150 ms) NACKs are not answered and
// keyframes are requested instead.
[Category("Browser")]
[NonParallelizable]
public sealed class LossRecoveryTests
{
    private static async Task<(MediaModule Media, long FramesBefore, long FramesAfter)> CallAsync(BrowserHarness harness)
    {
        var browser = await harness.LaunchAsync();
        var (meetingId, _, _) = await harness.CreateMeetingAsync();
        await using var alice = new ChromiumParticipantPage(await harness.NewParticipantAsync(browser));
        await using var bob = new ChromiumParticipantPage(await harness.NewParticipantAsync(browser));
        var aliceId = await ParticipantPages.JoinAsync(alice, meetingId, "Alice");
        await ParticipantPages.JoinAsync(bob, meetingId, "Bob");
        await ParticipantPages.ExpectMediaFromAsync(bob, aliceId);
        var before = (await ParticipantPages.StatsAsync(bob))[aliceId].FramesDecoded;
        // Long enough for receiver reports (RTT) and a few hundred lost packets.
        await Task.Delay(TimeSpan.FromSeconds(8));
        var after = (await ParticipantPages.StatsAsync(bob))[aliceId].FramesDecoded;
        return (harness.Host.Get<MediaModule>(), before, after);
    }

    [Test]
    public async Task With_10_percent_loss_nacks_are_answered_and_video_keeps_decoding()
    {
        await using var harness = await BrowserHarness.StartAsync(new Dictionary<string, string>
        {
            ["PacketEngine:FaultInjection:Enabled"] = "true",
            ["PacketEngine:FaultInjection:Direction"] = "Send",
            ["PacketEngine:FaultInjection:LossRate"] = "0.1",
        });
        var (media, before, after) = await CallAsync(harness);

        (after - before).Should().BeGreaterThan(40, "video keeps decoding through 10 % loss (20 fps camera, 8 s)");
        media.Counters.NacksReceived.Should().BeGreaterThan(0);
        media.Counters.RtpRetransmitted.Should().BeGreaterThan(0, "the RTT is short, so NACKs are answered from the cache");
        // Not asserted zero: on a loaded 2-core machine the measured RTT itself can pass 150 ms for a while.
        media.Counters.Adaptive.NacksRefusedForRtt.Should().BeLessThan(media.Counters.NacksReceived);
    }

    [Test]
    public async Task With_200_ms_added_delay_nacks_are_refused_and_keyframes_requested_instead()
    {
        await using var harness = await BrowserHarness.StartAsync(new Dictionary<string, string>
        {
            ["PacketEngine:FaultInjection:Enabled"] = "true",
            ["PacketEngine:FaultInjection:Direction"] = "Send",
            ["PacketEngine:FaultInjection:LossRate"] = "0.02",
            ["PacketEngine:FaultInjection:DelayMs"] = "200",
        });
        var (media, before, after) = await CallAsync(harness);

        (after - before).Should().BeGreaterThan(0, "keyframes repair the picture");
        media.Counters.Adaptive.NacksRefusedForRtt.Should().BeGreaterThan(0, "RTT > 150 ms: no retransmission");
        media.Counters.Adaptive.KeyFramesInsteadOfNack.Should().BeGreaterThan(0);
    }
}
