using System.Diagnostics;
using System.Globalization;
using Meet.Modules.Client;
using Meet.Modules.Client.Media;
using Meet.Modules.Media;
using Meet.Modules.Media.Internal;
using Meet.Modules.Signaling.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Meet.Benchmarks.Soak;

// A meeting under churn for a long time (an hour by default): the real host in-process, steady
// publishers sending VP8-sized RTP and viewers receiving it over ICE/DTLS/SRTP on loopback, and one
// participant joining (and publishing) while the oldest churner leaves every --churn-seconds. Every
// --interval-seconds it prints memory, GC heap, threads, open handles, SFU resources, SFU drops, errors and CPU per
// packet; at the end, start / after warm-up / end and the growth between the last two.
//
//   dotnet run -c Release --project Meet.Benchmarks -- soak [--minutes 60] [--interval-seconds 30]
//       [--churn-seconds 3] [--publishers 2] [--viewers 2] [--churners 3]
//
// Clients run in the same process (MeetClient), so the CPU figure is the whole process (clients'
// SRTP included) per forwarded packet: read it as a trend, not as the SFU's own cost.
internal static class SoakCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var minutes = Option(args, "--minutes", 60.0);
        var interval = TimeSpan.FromSeconds(Option(args, "--interval-seconds", 30.0));
        var churnEvery = TimeSpan.FromSeconds(Option(args, "--churn-seconds", 3.0));
        var publisherCount = (int)Option(args, "--publishers", 2.0);
        var viewerCount = (int)Option(args, "--viewers", 2.0);
        var churnerCount = (int)Option(args, "--churners", 3.0);
        var duration = TimeSpan.FromMinutes(minutes);
        var warmUp = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMinutes(1).Ticks, duration.Ticks / 10));

        var dataDirectory = Directory.CreateTempSubdirectory("meet-soak-").FullName;
        var app = global::Program.BuildApp(
        [
            $"--contentRoot={AppContext.BaseDirectory}",
            "--urls=http://127.0.0.1:0",
            "--Signaling:GrpcUrl=http://127.0.0.1:0",
            "--Logging:LogLevel:Default=Warning",
            $"--Storage:DataDirectory={dataDirectory}",
            "--Media:UdpPort=0",
            "--RateLimiting:Join:TokenLimit=100000000",
            "--RateLimiting:Join:TokensPerPeriod=100000000",
            "--Node:DrainTimeout=00:00:00",
            "--Node:StaleAfter=00:01:00",
            // The soak runs at nice 19 beside other work (README); a process starved for 15 s must not
            // have its own clients dropped as silent. Reconnects still happen and are counted.
            "--Signaling:HeartbeatTimeout=00:01:00",
        ]);
        await app.StartAsync();
        try
        {
            return await RunMeetingAsync(app, duration, interval, warmUp, churnEvery, publisherCount, viewerCount, churnerCount);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static async Task<int> RunMeetingAsync(WebApplication app, TimeSpan duration, TimeSpan interval, TimeSpan warmUp, TimeSpan churnEvery,
        int publisherCount, int viewerCount, int churnerCount)
    {
        var baseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var grpc = app.Services.GetRequiredService<GrpcEndpoint>().Address;
        var media = app.Services.GetRequiredService<MediaModule>();
        var errors = new ErrorCount();
        MeetClient NewClient(bool viewer)
        {
            var client = new MeetClient(new MeetClientOptions { BaseAddress = baseAddress, GrpcAddress = grpc, AnswerSubscriberOffers = viewer });
            // A reconnect means the server dropped this client's session: an error of the run.
            client.Reconnecting += (attempt, _) =>
            {
                if (attempt == 1)
                    errors.Add($"reconnect of {client.ParticipantId}");
            };
            return client;
        }

        await using var host = NewClient(viewer: false);
        var meeting = await host.CreateMeetingAsync("usr_soak", "Soak");
        var publishers = new List<(MeetClient Client, ClientPeerConnection Pc, uint Ssrc)>();
        for (var i = 0; i < publisherCount; i++)
            publishers.Add(await JoinPublisherAsync(NewClient(viewer: false), meeting.MeetingId, $"pub{i}", 0x50a0_0000u + (uint)i));
        var viewers = new List<MeetClient>();
        for (var i = 0; i < viewerCount; i++)
        {
            var viewer = NewClient(viewer: true);
            await viewer.JoinAsync(meeting.MeetingId, $"Viewer {i}", userId: $"usr_viewer{i}");
            viewers.Add(viewer);
        }

        // Ctrl+C / SIGTERM stop the host: end the run there too, with the summary, instead of sampling a dead host.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(app.Lifetime.ApplicationStopping);
        stop.CancelAfter(duration);
        var sender = Task.Run(() => SendMediaAsync(publishers, stop.Token));
        var churners = new Queue<(MeetClient Client, ClientPeerConnection Pc, uint Ssrc)>();
        var churn = Task.Run(async () =>
        {
            var next = 0u;
            while (!stop.IsCancellationRequested)
            {
                var client = NewClient(viewer: true);
                try
                {
                    churners.Enqueue(await JoinPublisherAsync(client, meeting.MeetingId, $"churn{next}", 0x0c40_0000u + next));
                    if (churners.Count > churnerCount)
                        await LeaveAsync(churners.Dequeue().Client, errors);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A join or publish that failed half way must not leave a participant behind.
                    errors.Add($"churn {next}: {ex.GetType().Name}: {ex.Message}");
                    await LeaveAsync(client, errors);
                }
                next++;
                try
                {
                    await Task.Delay(churnEvery, stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });

        var process = Process.GetCurrentProcess();
        var samples = new List<Sample>();
        var clock = Stopwatch.StartNew();
        Console.WriteLine("| elapsed | working set MB | GC heap MB | threads | handles | participants | producers | consumers | RTP in/s | RTP out/s | CPU µs/packet out | churn joins | SFU drops | errors |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var previous = Sample.Take(process, media, clock.Elapsed, 0, errors.Count);
        samples.Add(previous);
        Print(previous, previous);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
            var sample = Sample.Take(process, media, clock.Elapsed, churners.Count == 0 ? 0 : ChurnJoins(churners), errors.Count);
            Print(previous, sample);
            samples.Add(sample);
            previous = sample;
        }
        await sender;
        await churn;
        while (churners.Count > 0)
            await LeaveAsync(churners.Dequeue().Client, errors);
        foreach (var (client, _, _) in publishers)
            await LeaveAsync(client, errors);
        foreach (var viewer in viewers)
            await LeaveAsync(viewer, errors);

        var start = samples[0];
        var afterWarmUp = samples.FirstOrDefault(s => s.Elapsed >= warmUp) ?? samples[^1];
        var end = samples[^1];
        Console.WriteLine();
        Console.WriteLine("| | elapsed | working set MB | GC heap MB | threads | handles |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (name, s) in new[] { ("start", start), ("after warm-up", afterWarmUp), ("end", end) })
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {s.Elapsed:hh\\:mm\\:ss} | {s.WorkingSetMb:0.0} | {s.HeapMb:0.0} | {s.Threads} | {s.Handles} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"errors {errors.Count}, SFU drops {end.Dropped}; growth after warm-up: working set {end.WorkingSetMb - afterWarmUp.WorkingSetMb:+0.0;-0.0} MB, GC heap {end.HeapMb - afterWarmUp.HeapMb:+0.0;-0.0} MB, threads {end.Threads - afterWarmUp.Threads:+0;-0}, handles {end.Handles - afterWarmUp.Handles:+0;-0}"));
        return 0;
    }

    private static int ChurnJoins(Queue<(MeetClient Client, ClientPeerConnection Pc, uint Ssrc)> churners) => (int)(churners.Last().Ssrc - 0x0c40_0000u + 1);

    private static async Task<(MeetClient, ClientPeerConnection, uint)> JoinPublisherAsync(MeetClient client, string meetingId, string name, uint ssrc)
    {
        await client.JoinAsync(meetingId, name, userId: "usr_" + name);
        var pc = await client.PublishAsync([ClientMediaTrack.Vp8(client.ParticipantId!, "camera", ssrc)]);
        return (client, pc, ssrc);
    }

    private static async Task LeaveAsync(MeetClient client, ErrorCount errors)
    {
        try
        {
            await client.LeaveAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            errors.Add($"leave: {ex.GetType().Name}: {ex.Message}");
        }
        await client.DisposeAsync();
    }

    // 30 packets/s of 1,000-byte VP8-shaped payload per steady publisher (a keyframe start every 60th).
    private static async Task SendMediaAsync(List<(MeetClient Client, ClientPeerConnection Pc, uint Ssrc)> publishers, CancellationToken stop)
    {
        var payload = new byte[1000];
        payload[0] = 0x10;
        var delta = new byte[1000];
        delta[0] = 0x10;
        delta[1] = 0x01;
        ushort sequence = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(33));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                sequence++;
                foreach (var (_, pc, ssrc) in publishers)
                    pc.SendRtp(ssrc, 96, sequence, sequence * 3000u, marker: true, sequence % 60 == 0 ? payload : delta);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static void Print(Sample previous, Sample current)
    {
        var seconds = Math.Max(0.001, (current.Elapsed - previous.Elapsed).TotalSeconds);
        var outPackets = current.RtpForwarded - previous.RtpForwarded;
        var cpuPerPacket = outPackets > 0 ? (current.Cpu - previous.Cpu).TotalMicroseconds / outPackets : 0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {current.Elapsed:hh\\:mm\\:ss} | {current.WorkingSetMb:0.0} | {current.HeapMb:0.0} | {current.Threads} | {current.Handles} | {current.Resources.Participants} | {current.Resources.Producers} | {current.Resources.Consumers} | {(current.RtpReceived - previous.RtpReceived) / seconds:0} | {outPackets / seconds:0} | {cpuPerPacket:0.0} | {current.ChurnJoins} | {current.Dropped} | {current.Errors} |"));
    }

    private static double Option(string[] args, string name, double fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && double.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
    }

    private sealed record Sample(TimeSpan Elapsed, double WorkingSetMb, double HeapMb, int Threads, int Handles, MediaResourceCounts Resources,
        long RtpReceived, long RtpForwarded, TimeSpan Cpu, int ChurnJoins, long Dropped, int Errors)
    {
        public static Sample Take(Process process, MediaModule media, TimeSpan elapsed, int churnJoins, int errors)
        {
            process.Refresh();
            return new Sample(elapsed, process.WorkingSet64 / 1048576.0, GC.GetTotalMemory(forceFullCollection: false) / 1048576.0,
                process.Threads.Count, Directory.Exists("/proc/self/fd") ? Directory.GetFiles("/proc/self/fd").Length : process.HandleCount,
                media.GetResourceCounts(), media.Counters.RtpReceived, media.Counters.RtpForwarded, process.TotalProcessorTime, churnJoins, media.Counters.TotalDropped, errors);
        }
    }

    // Errors of the run (failed joins, leaves, reconnects): printed as they happen, counted in every row.
    private sealed class ErrorCount
    {
        private int count;

        public int Count => Volatile.Read(ref count);

        public void Add(string message)
        {
            Interlocked.Increment(ref count);
            Console.Error.WriteLine(message);
        }
    }
}
