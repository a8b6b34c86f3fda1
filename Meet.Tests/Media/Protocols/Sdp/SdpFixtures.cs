namespace Meet.Tests.Media.Protocols.Sdp;

// The Chromium captures in Fixtures/Sdp (see capture.sh there). Stored with LF; CRLF restored here
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

    public static string Load(string name)
    {
        string path = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "Sdp", name + ".sdp");
        return File.ReadAllText(path).ReplaceLineEndings("\r\n");
    }
}
