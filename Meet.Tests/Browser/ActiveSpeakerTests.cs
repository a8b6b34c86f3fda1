using System.Diagnostics;
using Meet.Modules.Media.Internal;
using Meet.Tests.Support;

namespace Meet.Tests.Browser;

// Issue 10: three Chromium participants whose microphones play a continuous tone (a generated WAV per
// browser); the test makes them talk in turn by unmuting one microphone at a time (a muted track
// sends silence), with pauses between the turns. The speaker the server announces follows whoever
// talks within 2 s and stays through the pauses: no flapping.
public sealed class ActiveSpeakerTests : BrowserFixture
{
    [Test]
    public async Task The_announced_speaker_follows_whoever_talks_and_does_not_flap_in_pauses()
    {
        var directory = TempDirectory.Create("meet-speech-");
        var wav = Path.Combine(directory, "tone.wav");
        WriteTone(wav);
        var pages = new List<Microsoft.Playwright.IPage>();
        string? link = null;
        // The capture file is a browser-wide flag, but each context opens its own microphone on it: one
        // Chromium for the three talkers (three launched at once made the machine's slowest moment
        // slower still: a join's navigation timed out at load 30-60).
        var browser = await Harness.LaunchAsync(true, $"--use-file-for-fake-audio-capture={wav}");
        for (var i = 0; i < 3; i++)
        {
            var page = await Harness.NewParticipantAsync(browser);
            await MeetPage.JoinFromLandingAsync(page, $"Talker {i}", link);
            link ??= page.Url;
            await MeetPage.WaitForStateAsync(page, MediaTimeout, "joined");
            await page.ClickAsync("#toggle-mic");
            pages.Add(page);
        }
        var ids = new List<string>();
        foreach (var page in pages)
            ids.Add((await MeetPage.ParticipantIdAsync(page))!);
        await Task.Delay(3000);

        // Turns: 0, 1, 2, 0 — 3 s of talk each, then 1.5 s of silence from everyone.
        var samples = new List<(double Seconds, int Talking, string? Announced)>();
        var clock = Stopwatch.StartNew();
        foreach (var talker in new[] { 0, 1, 2, 0 })
        {
            await pages[talker].ClickAsync("#toggle-mic");
            var turnStart = clock.Elapsed;
            while (clock.Elapsed - turnStart < TimeSpan.FromSeconds(3))
            {
                samples.Add((clock.Elapsed.TotalSeconds, talker, await pages[(talker + 1) % 3].EvaluateAsync<string?>("() => window.meet.activeSpeaker")));
                await Task.Delay(100);
            }
            await pages[talker].ClickAsync("#toggle-mic");
            var pauseStart = clock.Elapsed;
            while (clock.Elapsed - pauseStart < TimeSpan.FromSeconds(1.5))
            {
                samples.Add((clock.Elapsed.TotalSeconds, -talker - 1, await pages[(talker + 1) % 3].EvaluateAsync<string?>("() => window.meet.activeSpeaker")));
                await Task.Delay(100);
            }
        }
        var timeline = string.Join(" ", samples.Select(s => $"{s.Seconds:0.0}:{(s.Talking >= 0 ? "T" + s.Talking : "p")}={(s.Announced is null ? "-" : ids.IndexOf(s.Announced).ToString())}"));
        TestContext.Out.WriteLine(timeline);

        var turnStarts = samples.Where((s, i) => s.Talking >= 0 && (i == 0 || samples[i - 1].Talking != s.Talking)).Select(s => s.Seconds).ToList();
        foreach (var sample in samples)
        {
            if (sample.Talking >= 0)
            {
                var since = sample.Seconds - turnStarts.Last(t => t <= sample.Seconds);
                if (since >= 2.0)
                    sample.Announced.Should().Be(ids[sample.Talking], $"the speaker follows within 2 s ({since:0.0} s into talker {sample.Talking}'s turn): {timeline}");
            }
            else
            {
                sample.Announced.Should().Be(ids[-sample.Talking - 1], $"the pause after talker {-sample.Talking - 1}'s turn keeps them: {timeline}");
            }
        }
        Harness.Host.Get<MediaModule>().ConferenceCounters.SpeakerChanges.Should().BeGreaterThanOrEqualTo(4);
        foreach (var page in pages)
            await page.Context.CloseAsync();
    }

    // 48 kHz mono 16-bit PCM: 10 s of a 440 Hz tone at about -12 dBFS (Chromium loops the file).
    private static void WriteTone(string path)
    {
        const int Rate = 48000;
        var samples = new short[Rate * 10];
        for (var i = 0; i < samples.Length; i++)
            samples[i] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / Rate));
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write("RIFF"u8);
        writer.Write(36 + samples.Length * 2);
        writer.Write("WAVEfmt "u8);
        writer.Write(16);
        writer.Write((short)1);
        writer.Write((short)1);
        writer.Write(Rate);
        writer.Write(Rate * 2);
        writer.Write((short)2);
        writer.Write((short)16);
        writer.Write("data"u8);
        writer.Write(samples.Length * 2);
        foreach (var sample in samples)
            writer.Write(sample);
    }
}
