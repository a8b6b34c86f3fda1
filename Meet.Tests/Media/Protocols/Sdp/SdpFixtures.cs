namespace Meet.Tests.Media.Protocols.Sdp;

// The browser SDPs in Fixtures/Sdp (see README.md and the capture scripts there). Stored with LF; CRLF restored here
// because that is what a browser hands to signalling.
internal static class SdpFixtures
{
    public static readonly string[] Names =
    [
        "chrome-audio-video-offer", "chrome-audio-video-answer",
        "chrome-simulcast-offer", "chrome-simulcast-answer",
        "chrome-screen-share-offer", "chrome-screen-share-answer",
        "chrome-data-channel-offer", "chrome-data-channel-answer",
    ];

    // Other browsers' offers (README.md there): Firefox captured with max-bundle, Safari written in
    // libwebrtc's layout. They round-trip structurally, not byte for byte (Firefox's attribute order
    // differs from Chrome's, which the writer follows).
    public static readonly string[] OtherBrowserNames =
    [
        "firefox-audio-video-offer", "firefox-audio-video-answer",
        "firefox-simulcast-offer", "firefox-simulcast-answer",
        "firefox-data-channel-offer", "firefox-data-channel-answer",
        "safari-audio-video-offer",
    ];

    public static readonly string[] Offers =
    [
        "chrome-audio-video-offer", "chrome-simulcast-offer", "chrome-screen-share-offer", "chrome-data-channel-offer",
        "firefox-audio-video-offer", "firefox-simulcast-offer", "firefox-data-channel-offer", "safari-audio-video-offer",
    ];

    public static string Load(string name)
    {
        string path = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "Sdp", name + ".sdp");
        return File.ReadAllText(path).ReplaceLineEndings("\r\n");
    }
}
