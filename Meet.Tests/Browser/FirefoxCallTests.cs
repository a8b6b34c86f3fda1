using Meet.Modules.Media;

namespace Meet.Tests.Browser;

// Issue 12: Firefox ESR joins through the meeting page with its max-bundle offer (port 0 +
// a=bundle-only sections, DTLS 1.3 ClientHello answered with DTLS 1.2, rid-only simulcast) and calls
// Firefox and Chromium participants, with and without simulcast; each side decodes video and
// receives audio. One host, one Chromium and one Firefox for the whole fixture.
public sealed class FirefoxCallTests : BrowserFixture
{
    private FirefoxBrowser firefox = null!;

    [OneTimeSetUp]
    public async Task StartFirefoxAsync() => firefox = await FirefoxBrowser.LaunchAsync(Harness.BaseUrl);

    [OneTimeTearDown]
    public async Task StopFirefoxAsync() => await firefox.DisposeAsync();

    [TestCase(true)]
    [TestCase(false)]
    public async Task Firefox_and_firefox_see_and_hear_each_other(bool simulcast)
    {
        await CallAsync(simulcast, await firefox.NewParticipantAsync(), await firefox.NewParticipantAsync());
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Firefox_and_chromium_see_and_hear_each_other(bool simulcast)
    {
        await CallAsync(simulcast, await firefox.NewParticipantAsync(), new ChromiumParticipantPage(await Harness.NewParticipantAsync(Browser)));
    }

    private async Task CallAsync(bool simulcast, IParticipantPage first, IParticipantPage second)
    {
        var media = Harness.Host.Get<IMediaModule>();
        var before = media.GetResourceCounts();
        var (meetingId, _, _) = await Harness.CreateMeetingAsync();
        await using (first)
        await using (second)
        {
            var firstId = await ParticipantPages.JoinAsync(first, meetingId, first.Browser + " 1", simulcast);
            var secondId = await ParticipantPages.JoinAsync(second, meetingId, second.Browser + " 2", simulcast);

            foreach (var page in new[] { first, second })
            {
                (await page.EvaluateAsync<int>("() => window.meet.videoEncodings()"))
                    .Should().Be(simulcast ? 3 : 1, $"{page.Browser} sends its camera as {(simulcast ? "q/h/f simulcast" : "one encoding")}");
            }
            await ParticipantPages.ExpectMediaFromAsync(first, secondId);
            await ParticipantPages.ExpectMediaFromAsync(second, firstId);
            var counts = media.GetResourceCounts();
            counts.Participants.Should().Be(before.Participants + 2);
            counts.Producers.Should().Be(before.Producers + 4, "audio and video of each");
            counts.Consumers.Should().Be(before.Consumers + 4);
        }
        await ThreeParticipantCallTests.WaitForCountsAsync(media, c => c == before);
    }
}
