using System.Diagnostics;
using Meet.Modules.Client;
using Meet.Modules.Client.Media;
using Meet.Modules.Media.Internal;
using Meet.Modules.Media.Mixing;
using Meet.Modules.Media.Routing;
using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Signaling.Internal;
using Meet.Modules.Storage;
using Meet.Tests.Media.Mixing;
using Meet.Tests.Support;

namespace Meet.Tests.Client;

// Issue 17's third show: 500 listeners in a `mix` meeting, each with signaling and a subscriber
// PeerConnection over real ICE/DTLS/SRTP (the .NET client library, as the load generator's participants),
// and three tone bots talking. Every listener receives the one mixed stream, and the server's encode
// counter stays at ≤ 4 per frame: the full mix and a minus-one per speaker, whatever the audience.
// `converge mix` in Meet.Benchmarks is the same run with figures (CPU per frame, latency).
[NonParallelizable]
public sealed class MixedAudioListenersTests
{
    private const int Listeners = 500;
    // Each listener's PeerConnection must have received this many mixed packets (0.5 s of the mix).
    private const int PacketsHeard = 25;

    [Test]
    public async Task Five_hundred_listeners_each_receive_the_mix_and_the_server_encodes_at_most_four_streams_a_frame()
    {
        await using var host = await MeetTestHost.StartAsync(StorageProvider.Sqlite);
        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
        var tones = new List<ToneSpeaker>();
        var started = Stopwatch.StartNew();
        await using var crowd = new AudioCrowd(host.BaseAddress, host.Get<GrpcEndpoint>().Address, http);
        try
        {
            await using var creator = new MeetClient(crowd.Options(false), http);
            var meeting = await creator.CreateMeetingAsync("usr_mix_500", "Five hundred listeners", audioMode: "mix");

            // Three talkers; one second of each tone is encoded once and looped (whole cycles, no seam),
            // so the test's own encoder does not compete with the server for the cores.
            foreach (var (frequency, i) in new[] { 440.0, 660.0, 880.0 }.Select((f, i) => (f, i)))
            {
                var tone = new ToneSpeaker(frequency);
                tones.Add(tone);
                await crowd.AddTalkerAsync(meeting.MeetingId, $"Tone {frequency}", $"usr_tone{i}", (uint)(0x4000 + i),
                    Enumerable.Range(0, 50).Select(_ => tone.NextPacket(out ushort _)).ToArray());
            }
            crowd.StartTalking();
            await crowd.JoinListenersAsync(meeting.MeetingId, Listeners, i => $"Listener {i}", i => $"usr_listener{i}");
            var listeners = crowd.Listeners;
            var heard = crowd.Heard;
            var joined = started.Elapsed;

            static bool Connected(MeetClient c) => c.Subscriber is { IsConnected: true } s && s.RemoteTracks.Any(t => t.StreamId == MixListener.StreamId);
            var counters = host.Get<MediaModule>().MixerCounters;
            var (frames, encodes, sent) = (counters.FramesMixed, counters.Encodes, counters.PacketsSent);
            var heardBefore = new long[Listeners];
            await EventuallyAsync(() => listeners.All(Connected), "every listener's subscriber PeerConnection is connected with the mix section",
                () => $"{listeners.Count(Connected)} of {Listeners} connected");
            var connected = started.Elapsed;
            Array.Copy(heard, heardBefore, Listeners);
            await EventuallyAsync(() => heard.Select((n, i) => n - heardBefore[i]).All(n => n >= PacketsHeard), $"every listener receives {PacketsHeard} more mixed packets",
                () => $"{heard.Select((n, i) => n - heardBefore[i]).Count(n => n >= PacketsHeard)} of {Listeners} did");
            var framesMixed = counters.FramesMixed - frames;
            var encodesPerFrame = (counters.Encodes - encodes) / (double)framesMixed;
            var sentPerFrame = (counters.PacketsSent - sent) / (double)framesMixed;
            TestContext.Out.WriteLine($"{Listeners} listeners: joined in {joined.TotalSeconds:0.0} s, connected at {connected.TotalSeconds:0.0} s, " +
                $"each heard {PacketsHeard} mixed packets at {started.Elapsed.TotalSeconds:0.0} s; {framesMixed} frames, encodes per frame max {counters.MaxEncodesPerFrame} mean {encodesPerFrame:0.00}, " +
                $"packets sent per frame {sentPerFrame:0}, skipped {counters.FramesSkipped}, speakers dropped {counters.SpeakersDropped}, " +
                $"{counters.LatencySummary()}, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");

            foreach (var listener in listeners)
                listener.Subscriber!.RemoteTracks.Where(t => t.Kind == "audio").Should().ContainSingle("a listener has one audio stream, the mix");
            counters.MaxEncodesPerFrame.Should().BeInRange(1, 4, "the full mix and one minus-one per speaker, never one per listener");
            encodesPerFrame.Should().BeLessThanOrEqualTo(4);
            framesMixed.Should().BePositive();
        }
        finally
        {
            foreach (var tone in tones)
                tone.Dispose();
        }
    }

    // Generous for a loaded 2-core machine: the joins and handshakes of 500 clients share it with the server.
    private static async Task EventuallyAsync(Func<bool> condition, string because, Func<string> state)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(120))
                Assert.Fail($"timed out waiting until {because}: {state()}");
            await Task.Delay(100);
        }
    }
}
