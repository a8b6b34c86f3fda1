using System.Diagnostics;
using System.Globalization;
using Meet.Benchmarks.Media.Mixing;
using Meet.Modules.Client;
using Meet.Modules.Client.Media;
using Meet.Modules.Media.Internal;
using Meet.Modules.Media.Mixing;
using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Meet.Benchmarks.Signaling;

// Issue 17's 500 listeners, against the real host in this process (SQLite, loopback):
//   dotnet run -c Release --project Meet.Benchmarks -- converge mix [--listeners 500] [--seconds 10] [--compare-forward 1]
// Three bots publish voice-like Opus into a `mix` meeting; `listeners` .NET clients (signaling plus a
// subscriber PeerConnection over real ICE/DTLS/SRTP, 25 joining at a time) each receive the one mixed
// stream. Over `seconds` it reports the mixer's encodes per frame (bound: 4, whatever the listeners),
// mixed packets per listener per second (50 = every frame), the CPU of the mixer's worker threads (they
// decode, mix, encode and SRTP-protect and send every listener's packet) as a share of a core and per
// mixed frame (also the mixer's own thread-CPU figure, MixerCounters), and the mixer's added latency.
// With --compare-forward 1 the same listeners then join a `forward` meeting with the same bots (three
// forwarded streams each), and both rows give the server's sending CPU (mixer workers + the UDP receive
// threads that forward) per listener: listeners served per core in each mode, measured in one run. The
// clients share these cores: CPU is read per server thread.
internal static class MixListenersCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, Uri baseAddress, Uri? grpcAddress, string[] args)
    {
        var listenerCount = InProcessMeetHost.Option(args, "--listeners", 500);
        var seconds = InProcessMeetHost.Option(args, "--seconds", 10);
        var compare = InProcessMeetHost.Option(args, "--compare-forward", 0) != 0;
        Console.WriteLine($"{listenerCount} listeners + 3 speaking bots, {Environment.ProcessorCount} cores, load average {LoadAverage()}");
        Console.WriteLine("| mode | listeners connected | joined in | frames mixed | encodes per frame (max / mean) | audio packets per listener per s (min / median) | mixer threads CPU (% of a core) | per mixed frame (threads / mixer's own = codec + listeners' packets) | server send CPU (% of a core) | listeners per core | mixer latency p50 / p99 | skipped frames (measured window) | speakers dropped |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var ok = await RunMeetingAsync(services, baseAddress, grpcAddress, "mix", listenerCount, seconds);
        if (compare)
            ok &= await RunMeetingAsync(services, baseAddress, grpcAddress, "forward", listenerCount, seconds);
        Console.WriteLine($"load average after: {LoadAverage()}");
        return ok ? 0 : 1;
    }

    private static async Task<bool> RunMeetingAsync(IServiceProvider services, Uri baseAddress, Uri? grpcAddress, string mode, int listenerCount, int seconds)
    {
        using var http = new HttpClient { BaseAddress = baseAddress };
        await using var crowd = new AudioCrowd(baseAddress, grpcAddress, http);
        await using var creator = new MeetClient(crowd.Options(false), http);
        var meeting = await creator.CreateMeetingAsync("usr_mix", $"{mode} listeners", audioMode: mode);
        var media = services.GetRequiredService<MediaModule>();
        var started = Stopwatch.StartNew();
        for (var b = 0; b < 3; b++)
            await crowd.AddTalkerAsync(meeting.MeetingId, $"bot{b}", $"usr_bot{b}", (uint)(0x2000 + b), SpeechLikeSignal.Encode(SpeechLikeSignal.Create(120 + 60 * b, b)));
        crowd.StartTalking();
        await crowd.JoinListenersAsync(meeting.MeetingId, listenerCount, i => $"l{i}", i => $"usr_l{i}");
        var listeners = crowd.Listeners;
        var received = crowd.Heard;
        var audioSections = mode == "mix" ? 1 : 3;
        bool Connected(MeetClient c) => c.Subscriber is { IsConnected: true } s && s.RemoteTracks.Count(t => t.Kind == "audio") >= audioSections;
        while (!listeners.All(Connected) && started.Elapsed < TimeSpan.FromMinutes(5))
            await Task.Delay(200);
        var joined = started.Elapsed;
        var connected = listeners.Count(Connected);
        await Task.Delay(2000);

        var counters = media.MixerCounters;
        var (frames, encodes, cpuNs, cpuFrames, codecNs) = (counters.FramesMixed, counters.Encodes, counters.CpuNanoseconds, counters.CpuFrames, counters.CodecCpuNanoseconds);
        var receivedBefore = received.ToArray();
        var latencyBefore = counters.LatencyCounts();
        var skippedBefore = counters.FramesSkipped;
        var mixerBefore = ThreadCpu(MixerWorker);
        var sendBefore = ThreadCpu(ServerSender);
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var elapsed = clock.Elapsed.TotalSeconds;
        var mixerCpu = (ThreadCpu(MixerWorker) - mixerBefore).TotalSeconds;
        var sendCpu = (ThreadCpu(ServerSender) - sendBefore).TotalSeconds;
        frames = counters.FramesMixed - frames;
        encodes = counters.Encodes - encodes;
        var ownCpuPerFrame = (counters.CpuNanoseconds - cpuNs) / (double)Math.Max(1, counters.CpuFrames - cpuFrames);
        var codecCpuPerFrame = (counters.CodecCpuNanoseconds - codecNs) / (double)Math.Max(1, counters.CpuFrames - cpuFrames);
        var perListener = received.Select((n, i) => (n - receivedBefore[i]) / elapsed).Order().ToArray();
        var sendShare = sendCpu / elapsed;

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {mode} | {connected}/{listenerCount} | {joined.TotalSeconds:0} s | {frames} | {counters.MaxEncodesPerFrame} / {encodes / (double)Math.Max(1, frames):0.00} | {perListener[0]:0.0} / {perListener[perListener.Length / 2]:0.0} | " +
            $"{100 * mixerCpu / elapsed:0.0} % | {1e6 * mixerCpu / Math.Max(1, frames):0} / {ownCpuPerFrame / 1000:0} = {codecCpuPerFrame / 1000:0} + {(ownCpuPerFrame - codecCpuPerFrame) / 1000:0} µs | {100 * sendShare:0.0} % | {listenerCount / Math.Max(1e-9, sendShare):0} | " +
            $"{counters.LatencyPercentile(0.5, latencyBefore[0])} / {counters.LatencyPercentile(0.99, latencyBefore[0])} ms | {counters.FramesSkipped - skippedBefore} | {counters.SpeakersDropped} |"));
        if (mode == "mix")
            Console.WriteLine($"  mixer over the measured {seconds} s: {counters.LatencySummary(latencyBefore)}; codec CPU per frame {codecCpuPerFrame / 1000:0} µs, per listener packet {(ownCpuPerFrame - codecCpuPerFrame) / Math.Max(1, listenerCount):0} ns");
        return connected == listenerCount && counters.MaxEncodesPerFrame <= 4;
    }

    // The mixer's workers ("meet-mix-N"; the clock thread only wakes and queues).
    private static bool MixerWorker(string name) => name.StartsWith("meet-mix-", StringComparison.Ordinal) && !name.StartsWith("meet-mix-clock", StringComparison.Ordinal);

    // What the server spends sending audio to listeners: the mixer's workers (mix mode) and the UDP
    // receive threads, which forward each incoming packet to its subscribers (forward mode).
    private static bool ServerSender(string name) => MixerWorker(name) || name.StartsWith("meet-udp-rx-", StringComparison.Ordinal);

    // utime + stime of this process's threads whose name matches (.NET names the native thread, which
    // Linux shows, cut to 15 characters, in /proc/self/task/<tid>/comm).
    private static TimeSpan ThreadCpu(Func<string, bool> named)
    {
        var ticks = 0L;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var name = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
                if (!named(name))
                    continue;
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // Fields 14 and 15 of stat (utime, stime), counted after the ")" of comm.
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }
        // USER_HZ is 100 on Linux.
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
}
