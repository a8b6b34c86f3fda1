using Meet.Tests.Support;

namespace Meet.Tests.Browser;

// Issue 16: the page over HTTPS with a self-signed certificate made by the test (Chromium told to
// accept it), a secure context, so getUserMedia works; two participants join over WSS and media flows.
public sealed class HttpsCallTests
{
    private static readonly TimeSpan MediaTimeout = TimeSpan.FromSeconds(30);

    [Test]
    [Category("Browser")]
    [NonParallelizable]
    public async Task Two_participants_join_over_https_and_decode_each_other()
    {
        var pem = TestCertificates.WritePem(TempDirectory.Create("meet-browser-tls-"));
        await using var harness = await BrowserHarness.StartAsync(new Dictionary<string, string>
        {
            ["urls"] = "https://127.0.0.1:0",
            ["PublicBaseUrl"] = "",
            ["Https:CertificatePath"] = pem.CertificatePath,
            ["Https:KeyPath"] = pem.KeyPath,
        });
        var browser = await harness.LaunchAsync(fakeUi: true, "--ignore-certificate-errors");
        harness.BaseUrl.Should().StartWith("https://");

        var alice = await harness.NewParticipantAsync(browser);
        await MeetPage.JoinFromLandingAsync(alice, "Alice", link: null);
        await MeetPage.WaitForStateAsync(alice, MediaTimeout, "joined");
        var bob = await harness.NewParticipantAsync(browser);
        await MeetPage.JoinFromLandingAsync(bob, "Bob", link: alice.Url);
        await MeetPage.WaitForStateAsync(bob, MediaTimeout, "joined");

        alice.Url.Should().StartWith(harness.BaseUrl + "/j/");
        (await alice.EvaluateAsync<bool>("() => window.isSecureContext")).Should().BeTrue();
        var aliceId = (await MeetPage.ParticipantIdAsync(alice))!;
        var bobId = (await MeetPage.ParticipantIdAsync(bob))!;
        var aliceSees = await ThreeParticipantCallTests.WaitForMediaAsync(alice, [bobId]);
        var bobSees = await ThreeParticipantCallTests.WaitForMediaAsync(bob, [aliceId]);
        aliceSees[bobId].FramesDecoded.Should().BePositive();
        bobSees[aliceId].FramesDecoded.Should().BePositive();
    }
}
