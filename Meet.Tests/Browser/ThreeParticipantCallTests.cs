using Meet.Modules.Media;
using Meet.Modules.Media.Internal;
using Microsoft.Playwright;

namespace Meet.Tests.Browser;

// The showcase: three real Chromium participants (fake camera and microphone) in one meeting
// through the web UI and the SFU; each decodes video and receives audio from both others, and a
// leaver's tile disappears from the other two.
public sealed class ThreeParticipantCallTests : BrowserFixture
{
    [Test]
    public async Task Three_participants_see_and_hear_each_other_and_a_leaver_disappears()
    {
        var media = Harness.Host.Get<IMediaModule>();
        var before = media.GetResourceCounts();
        var alice = await Harness.NewParticipantAsync(Browser);
        await MeetPage.JoinFromLandingAsync(alice, "Alice", link: null);
        var link = alice.Url;
        var bob = await Harness.NewParticipantAsync(Browser);
        await MeetPage.JoinFromLandingAsync(bob, "Bob", link);
        var carol = await Harness.NewParticipantAsync(Browser);
        await MeetPage.JoinFromLandingAsync(carol, "Carol", link);
        IPage[] pages = [alice, bob, carol];
        var ids = new List<string>();
        foreach (var page in pages)
        {
            await MeetPage.WaitForStateAsync(page, MediaTimeout, "joined");
            ids.Add((await MeetPage.ParticipantIdAsync(page))!);
        }

        foreach (var page in pages)
            (await page.EvaluateAsync<int>("() => window.meet.videoEncodings()")).Should().Be(3, "the camera is published as q/h/f simulcast");

        var first = new List<IReadOnlyDictionary<string, MeetPage.RemoteStats>>();
        for (var i = 0; i < pages.Length; i++)
            first.Add(await WaitForMediaAsync(pages[i], ids.Where((_, j) => j != i).ToArray()));
        var meetingId = new Uri(alice.Url).Segments[^1];
        for (var i = 0; i < pages.Length; i++)
            await WaitForMoreMediaAsync(pages[i], first[i], Harness.Host.Get<MediaModule>(), meetingId, ids[i]);

        foreach (var page in pages)
        {
            foreach (var other in ids)
            {
                var tiles = await page.QuerySelectorAllAsync($".tile[data-participant-id='{other}']");
                tiles.Should().HaveCount(other == await MeetPage.ParticipantIdAsync(page) ? 0 : 1);
            }
        }
        var counts = media.GetResourceCounts();
        counts.Participants.Should().Be(before.Participants + 3);
        counts.Producers.Should().Be(before.Producers + 6);
        counts.Consumers.Should().Be(before.Consumers + 12);

        var screenshot = Path.Combine(TestContext.CurrentContext.WorkDirectory, "three-participant-meeting.png");
        await alice.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot });
        TestContext.AddTestAttachment(screenshot, "The meeting page of one of three participants");

        await carol.ClickAsync("#leave");
        // SPEC: a leaver's tile disappears from the others within 2 s.
        foreach (var page in new[] { alice, bob })
        {
            await page.WaitForSelectorAsync($".tile[data-participant-id='{ids[2]}']",
                new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached, Timeout = 2000 });
        }
        (await MeetPage.StateAsync(carol)).Should().Be("left");
        await WaitForCountsAsync(media, c => c.Participants == before.Participants + 2 && c.Producers == before.Producers + 4 && c.Consumers == before.Consumers + 4);
        foreach (var page in pages)
            await page.Context.CloseAsync();
        await WaitForCountsAsync(media, c => c == before);
    }

    [Test]
    public async Task Someone_joining_after_another_left_is_seen_and_heard_by_those_who_stayed()
    {
        var media = Harness.Host.Get<IMediaModule>();
        var before = media.GetResourceCounts();
        var alice = await Harness.NewParticipantAsync(Browser);
        await MeetPage.JoinFromLandingAsync(alice, "Alice", link: null);
        await MeetPage.WaitForStateAsync(alice, MediaTimeout, "joined");
        var bob = await Harness.NewParticipantAsync(Browser);
        await MeetPage.JoinFromLandingAsync(bob, "Bob", link: alice.Url);
        await MeetPage.WaitForStateAsync(bob, MediaTimeout, "joined");
        await WaitForMediaAsync(alice, [(await MeetPage.ParticipantIdAsync(bob))!]);

        // Bob's leave turns Alice's two subscriber m-sections idle; Dave's tracks reuse them.
        await bob.ClickAsync("#leave");
        await alice.WaitForSelectorAsync(".tile", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached });
        var dave = await Harness.NewParticipantAsync(Browser);
        await MeetPage.JoinFromLandingAsync(dave, "Dave", link: alice.Url);
        await MeetPage.WaitForStateAsync(dave, MediaTimeout, "joined");

        await WaitForMediaAsync(alice, [(await MeetPage.ParticipantIdAsync(dave))!]);
        await WaitForMediaAsync(dave, [(await MeetPage.ParticipantIdAsync(alice))!]);
        await alice.Context.CloseAsync();
        await bob.Context.CloseAsync();
        await dave.Context.CloseAsync();
        await WaitForCountsAsync(media, c => c == before);
    }

    internal static async Task<IReadOnlyDictionary<string, MeetPage.RemoteStats>> WaitForMediaAsync(IPage page, string[] from)
    {
        var deadline = DateTime.UtcNow + MediaTimeout;
        IReadOnlyDictionary<string, MeetPage.RemoteStats> stats = new Dictionary<string, MeetPage.RemoteStats>();
        while (DateTime.UtcNow < deadline)
        {
            stats = await MeetPage.StatsAsync(page);
            if (from.All(id => stats.TryGetValue(id, out var s) && s.FramesDecoded > 0 && s.AudioPacketsReceived > 0))
                return stats;
            await Task.Delay(100);
        }
        Assert.Fail($"No media from every other participant: {string.Join("; ", stats.Select(p => $"{p.Key}={p.Value}"))}; page: {await page.InnerTextAsync("body")}");
        return stats;
    }

    // Media flows on, not a single keyframe: every other participant's decoded frames and audio packets
    // grow past what `first` saw. The first seconds of a call switch layers and a loaded 2-core machine
    // starves pages for a moment; a frozen stream stays frozen past the deadline, and the SFU's side of it
    // is in the message.
    internal static async Task WaitForMoreMediaAsync(IPage page, IReadOnlyDictionary<string, MeetPage.RemoteStats> first,
        MediaModule media, string meetingId, string subscriberId)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var stats = first;
        bool Grew(string id) => stats.TryGetValue(id, out var s) && s.FramesDecoded > first[id].FramesDecoded && s.AudioPacketsReceived > first[id].AudioPacketsReceived;
        var slowSeen = false;
        while (!first.Keys.All(Grew) && clock.Elapsed < MoreMediaTimeout)
        {
            await Task.Delay(100);
            stats = await MeetPage.StatsAsync(page);
            if (!slowSeen && clock.Elapsed > TimeSpan.FromSeconds(1.5))
            {
                slowSeen = true;
                TestContext.Out.WriteLine($"{subscriberId}: no new media for 1.5 s from {string.Join(", ", first.Keys.Where(id => !Grew(id)))}: "
                    + VideoConsumerStates.Describe(media, meetingId, subscriberId));
            }
        }
        var seen = string.Join("; ", stats.Select(p => $"{p.Key}={p.Value} (first {first.GetValueOrDefault(p.Key)})"));
        first.Keys.Where(id => !Grew(id)).Should().BeEmpty(
            $"{subscriberId} keeps decoding and hearing everyone ({seen}; SFU: {VideoConsumerStates.Describe(media, meetingId, subscriberId)})");
        if (slowSeen)
            TestContext.Out.WriteLine($"{subscriberId}: media grew again after {clock.Elapsed.TotalSeconds:F1} s");
    }

    private static readonly TimeSpan MoreMediaTimeout = TimeSpan.FromSeconds(10);

    internal static async Task WaitForCountsAsync(IMediaModule media, Func<MediaResourceCounts, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!done(media.GetResourceCounts()) && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        done(media.GetResourceCounts()).Should().BeTrue($"the media resources settle (now {media.GetResourceCounts()})");
    }
}
