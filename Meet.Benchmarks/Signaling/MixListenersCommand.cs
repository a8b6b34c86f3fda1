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
//   dotnet run -c Release --project Meet.Benchmarks -- converge mix [--listeners 500] [--seconds 10]
// Three bots publish voice-like Opus into a `mix` meeting; `listeners` .NET clients (signaling plus a
// subscriber PeerConnection over real ICE/DTLS/SRTP, 25 joining at a time) each receive the one mixed
// stream. Over `seconds` it reports the mixer's encodes per frame (bound: 4, whatever the listeners),
// mixed packets per listener per second (50 = every frame), the CPU of the mixer's worker threads (they
// decode, mix, encode and SRTP-protect and send every listener's packet) as a share of a core and per
// mixed frame, and the mixer's added latency. The clients share these cores: CPU is read per thread.
internal static class MixListenersCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, Uri baseAddress, Uri? grpcAddress, string[] args)
    {
        var listenerCount = InProcessMeetHost.Option(args, "--listeners", 500);
        var seconds = InProcessMeetHost.Option(args, "--seconds", 10);
        using var http = new HttpClient { BaseAddress = baseAddress };
        MeetClientOptions Options(bool subscribe) => new()
        {
            BaseAddress = baseAddress,
            GrpcAddress = grpcAddress,
            Transport = SignalingTransport.Grpc,
            AnswerSubscriberOffers = subscribe,
            MediaConnectTimeout = TimeSpan.FromSeconds(120),
        };
        await using var creator = new MeetClient(Options(false), http);
        var meeting = await creator.CreateMeetingAsync("usr_mix", "Mix listeners", audioMode: "mix");
        var media = services.GetRequiredService<MediaModule>();
        var clients = new List<MeetClient>();
        using var stop = new CancellationTokenSource();
        var received = new long[listenerCount];
        var started = Stopwatch.StartNew();
        Console.WriteLine($"{listenerCount} listeners + 3 speaking bots in a mix meeting, {Environment.ProcessorCount} cores, load average {LoadAverage()}");
        try
        {
            var bots = new List<(ClientPeerConnection Publisher, uint Ssrc, byte[][] Packets)>();
            for (var b = 0; b < 3; b++)
            {
                var bot = new MeetClient(Options(false), http);
                clients.Add(bot);
                await bot.JoinAsync(meeting.MeetingId, $"bot{b}", userId: $"usr_bot{b}");
                var ssrc = (uint)(0x2000 + b);
                var publisher = await bot.PublishAsync([ClientMediaTrack.Opus(bot.ParticipantId!, "mic", ssrc)]);
                bots.Add((publisher, ssrc, SpeechLikeSignal.Encode(SpeechLikeSignal.Create(120 + 60 * b, b))));
            }
            var sending = Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(MixFormat.FrameMilliseconds));
                ushort sequence = 0;
                try
                {
                    while (await timer.WaitForNextTickAsync(stop.Token))
                    {
                        foreach (var (publisher, ssrc, packets) in bots)
                            publisher.SendRtp(ssrc, 111, sequence, (uint)(sequence * MixFormat.FrameSamples), false, packets[sequence % packets.Length], 20);
                        sequence++;
                    }
                }
                catch (OperationCanceledException)
                {
                }
            });

            var listeners = new MeetClient[listenerCount];
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, 25).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < listenerCount)
                {
                    var listener = new MeetClient(Options(true), http);
                    lock (clients)
                        clients.Add(listener);
                    listeners[i] = listener;
                    var index = i;
                    listener.SubscriberRtpReceived += packet =>
                    {
                        if (RtpHeader.TryParse(packet, out var header) && header.PayloadType == SubscriberAllocator.MixedAudioCodec.PayloadType)
                            Interlocked.Increment(ref received[index]);
                    };
                    await listener.JoinAsync(meeting.MeetingId, $"l{i}", userId: $"usr_l{i}");
                }
            }));
            bool Connected(MeetClient c) => c.Subscriber is { IsConnected: true } s && s.RemoteTracks.Any(t => t.StreamId == MixListener.StreamId);
            while (!listeners.All(Connected) && started.Elapsed < TimeSpan.FromMinutes(5))
                await Task.Delay(200);
            var joined = started.Elapsed;
            var connected = listeners.Count(Connected);
            await Task.Delay(2000);

            var counters = media.MixerCounters;
            var (frames, encodes, sent) = (counters.FramesMixed, counters.Encodes, counters.PacketsSent);
            var receivedBefore = received.ToArray();
            var cpuBefore = MixerThreadCpu();
            var clock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            var elapsed = clock.Elapsed.TotalSeconds;
            var cpu = (MixerThreadCpu() - cpuBefore).TotalSeconds;
            frames = counters.FramesMixed - frames;
            encodes = counters.Encodes - encodes;
            sent = counters.PacketsSent - sent;
            var perListener = received.Select((n, i) => (n - receivedBefore[i]) / elapsed).Order().ToArray();

            Console.WriteLine("| listeners connected | joined in | frames mixed | encodes per frame (max / mean) | packets sent per frame | mixed packets per listener per s (min / median) | mixer threads CPU (% of a core) | per mixed frame | mixer latency p50 / p99 | skipped frames | speakers dropped |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {connected}/{listenerCount} | {joined.TotalSeconds:0} s | {frames} | {counters.MaxEncodesPerFrame} / {encodes / (double)Math.Max(1, frames):0.00} | {sent / (double)Math.Max(1, frames):0} | {perListener[0]:0.0} / {perListener[perListener.Length / 2]:0.0} | {100 * cpu / elapsed:0.0} % | {1e6 * cpu / Math.Max(1, frames):0} µs | {counters.LatencyPercentile(0.5)} / {counters.LatencyPercentile(0.99)} ms | {counters.FramesSkipped} | {counters.SpeakersDropped} |"));
            Console.WriteLine($"load average after: {LoadAverage()}");
            await stop.CancelAsync();
            await sending;
            return connected == listenerCount && counters.MaxEncodesPerFrame <= 4 ? 0 : 1;
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    // utime + stime of this process's "meet-mix-N" worker threads (.NET names the native thread, which
    // Linux shows in /proc/self/task/<tid>/comm); the clock thread only wakes and queues.
    private static TimeSpan MixerThreadCpu()
    {
        var ticks = 0L;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var name = File.ReadAllText(Path.Combine(task, "comm"));
                if (!name.StartsWith("meet-mix-", StringComparison.Ordinal) || name.StartsWith("meet-mix-clock", StringComparison.Ordinal))
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
