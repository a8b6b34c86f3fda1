using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Meet.Benchmarks.Meeting;
using Meet.Modules.Client;
using Meet.Modules.Client.Media;
using Meet.Modules.Media.Internal;
using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Signaling.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace Meet.Benchmarks.Signaling;

// Issue 9's measurements, against the real host in this process (SQLite, loopback):
//   dotnet run -c Release --project Meet.Benchmarks -- converge media [--publishers 5] [--viewers 100] [--window 2]
//     publishers and viewers (the client library, real ICE/DTLS/SRTP) join within `window` seconds;
//     reports when every participant was offered every stream, and the delivery ratio over 5 s.
//   dotnet run -c Release --project Meet.Benchmarks -- converge roster [--clients 1000] [signalr] [unbatched] [--chat 10] [--server-process]
//     signaling-only clients join (50 at a time); reports when every roster equals the server's, the
//     roster messages and updates the server sent (issue 13: batched per flush unless `unbatched`), gRPC
//     bytes, server memory, and the fan-out of `--chat` messages to every client (p50/p99): the server
//     handing one to every member's transport, its last transport write, and the clients' delivery.
//     `--server-process` runs the server in a child process instead (Meeting/MeetingServerProcess), so
//     its CPU per chat fan-out is read from /proc apart from the 1,000 clients' (its traffic counters are
//     then out of reach: n/a).
//   dotnet run -c Release --project Meet.Benchmarks -- converge mix [--listeners 500] [--seconds 10]
//     issue 17's listeners of one mixed stream (MixListenersCommand).
internal static class ConvergenceCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args is ["roster", ..] && args.Contains("--server-process"))
        {
            await using var child = await MeetingServerProcess.StartAsync(["--Node:StaleAfter=00:05:00", "--Signaling:MessagesPerSecond=50", "--Signaling:MessageBurst=100"], TimeSpan.FromMinutes(2));
            return await RosterAsync(new RosterServer(child.BaseAddress, null, null, () => child.Sample()), args);
        }
        await using var host = await InProcessMeetHost.StartAsync();
        return args switch
        {
            ["roster", ..] => await RosterAsync(new RosterServer(host.BaseAddress, host.GrpcAddress, host.Services.GetRequiredService<SessionRegistry>(), null), args),
            ["mix", ..] => await MixListenersCommand.RunAsync(host.Services, host.BaseAddress, host.GrpcAddress, args),
            _ => await MediaAsync(host.Services, host.BaseAddress, host.GrpcAddress, args),
        };
    }

    private static async Task<int> MediaAsync(IServiceProvider services, Uri baseAddress, Uri? grpcAddress, string[] args)
    {
        var publisherCount = InProcessMeetHost.Option(args, "--publishers", 5);
        var viewerCount = InProcessMeetHost.Option(args, "--viewers", 100);
        var window = TimeSpan.FromSeconds(InProcessMeetHost.Option(args, "--window", 2));
        using var http = new HttpClient { BaseAddress = baseAddress };
        MeetClientOptions Options(int i) => new()
        {
            BaseAddress = baseAddress,
            GrpcAddress = grpcAddress,
            Transport = i % 2 == 0 ? SignalingTransport.Grpc : SignalingTransport.SignalR,
            AnswerSubscriberOffers = true,
            MediaConnectTimeout = TimeSpan.FromSeconds(60),
        };
        await using var creator = new MeetClient(Options(0), http);
        var meeting = await creator.CreateMeetingAsync("usr_converge", "Convergence");
        var participants = Enumerable.Range(0, publisherCount + viewerCount).Select(i => new Participant(new MeetClient(Options(i), http), i < publisherCount)).ToList();
        var random = new Random(9);
        var started = Stopwatch.StartNew();
        Console.WriteLine($"{publisherCount} publishers + {viewerCount} viewers joining within {window.TotalSeconds:0.#} s, {Environment.ProcessorCount} cores");
        try
        {
            await Task.WhenAll(participants.Select(async (p, i) =>
            {
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next((int)window.TotalMilliseconds)));
                await p.Client.JoinAsync(meeting.MeetingId, $"p{i}", userId: $"usr_{i}");
                if (p.Publishes)
                    await p.PublishAsync();
            }));
            var lastJoin = started.Elapsed;
            var publishers = participants.Where(p => p.Publishes).ToList();
            // Bounded slots (the default): every stream the meeting's selection forwards to p sits in one
            // of p's slots (last-N video, top-3 audio); in per-track mode the same selection decides
            // which offered tracks carry bytes.
            var module = services.GetRequiredService<MediaModule>();
            int Forwarded(Participant p, Participant q) => module.FindSelection(meeting.MeetingId) is not { } s ? 2
                : (s.ForwardsAudio(q.Client.ParticipantId!) ? 1 : 0) + (s.ForwardsVideo(p.Client.ParticipantId!, q.Client.ParticipantId!) ? 1 : 0);
            bool Offered(Participant p) => p.Client.Subscriber is { IsConnected: true } && publishers.Where(q => q != p).All(q =>
                p.Client.RemoteTracks.Count(t => t.StreamId == q.Client.ParticipantId) == Forwarded(p, q));
            while (!participants.All(Offered) && started.Elapsed - lastJoin < TimeSpan.FromSeconds(30))
                await Task.Delay(50);
            var converged = started.Elapsed - lastJoin;
            var complete = participants.Count(Offered);

            // Delivery over 5 s, per forwarded track: packets received / packets its publisher sent (one per
            // 40 ms frame and track). Tracks outside the selection (top-3 audio, last-N) must carry none.
            await Task.Delay(1000);
            foreach (var p in participants)
                p.ResetCounts();
            var sentBefore = publishers.ToDictionary(p => p, p => p.Sent);
            await Task.Delay(5000);
            var sent = publishers.ToDictionary(p => p, p => (p.Sent - sentBefore[p]) / 2.0);
            var selection = services.GetRequiredService<MediaModule>().FindSelection(meeting.MeetingId)!;
            var ratios = new List<double>();
            long leaked = 0;
            foreach (var receiver in participants)
            {
                foreach (var publisher in publishers.Where(q => q != receiver))
                {
                    foreach (var track in receiver.Client.RemoteTracks.Where(t => t.StreamId == publisher.Client.ParticipantId))
                    {
                        var forwarded = track.Kind == "audio"
                            ? selection.ForwardsAudio(publisher.Client.ParticipantId!)
                            : selection.ForwardsVideo(receiver.Client.ParticipantId!, publisher.Client.ParticipantId!);
                        if (forwarded)
                            ratios.Add(sent[publisher] == 0 ? 0 : Math.Min(1.0, receiver.Received(track.Ssrc) / sent[publisher]));
                        else
                            leaked += receiver.Received(track.Ssrc);
                    }
                }
            }
            var counters = services.GetRequiredService<MediaModule>().NegotiationCounters;
            Console.WriteLine("| joined | all offered every stream | converged after last join | forwarded tracks | delivery min | delivery mean | packets on paused tracks | offers | answers refused | stale | timeouts |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {participants.Count} in {lastJoin.TotalSeconds:0.0} s | {complete}/{participants.Count} | {converged.TotalMilliseconds:0} ms | {ratios.Count} | {ratios.Min():0.000} | {ratios.Average():0.000} | {leaked} | {counters.Offers} | {counters.AnswersRefused} | {counters.StaleAnswers} | {counters.Timeouts} |"));
            return complete == participants.Count ? 0 : 1;
        }
        finally
        {
            await Task.WhenAll(participants.Select(p => p.DisposeAsync().AsTask()));
        }
    }

    // Where the measured server runs: in this process (its registry and traffic counters are at hand) or
    // in a child process (only its /proc sample).
    private sealed record RosterServer(Uri BaseAddress, Uri? GrpcAddress, SessionRegistry? Registry, Func<ProcessSample>? Sample);

    private static async Task<int> RosterAsync(RosterServer host, string[] args)
    {
        var count = InProcessMeetHost.Option(args, "--clients", 1000);
        var transport = args.Contains("signalr") ? SignalingTransport.SignalR : SignalingTransport.Grpc;
        var chatCount = InProcessMeetHost.Option(args, "--chat", 10);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var options = new MeetClientOptions { BaseAddress = host.BaseAddress, GrpcAddress = host.GrpcAddress, Transport = transport, BatchedRosterUpdates = !args.Contains("unbatched") };
        await using var creator = new MeetClient(options, http);
        var meeting = await creator.CreateMeetingAsync("usr_converge", "Roster convergence");
        var clients = Enumerable.Range(0, count).Select(_ => new MeetClient(options, http)).ToList();
        var traffic = host.Registry?.Traffic;
        var (messagesBefore, updatesBefore, bytesBefore) = (traffic?.RosterMessages ?? 0, traffic?.RosterUpdates ?? 0, traffic?.GrpcBytes ?? 0);
        var memoryBefore = host.Sample is { } sample ? sample().ResidentBytes : GC.GetTotalMemory(forceFullCollection: true);
        var started = Stopwatch.StartNew();
        try
        {
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                    await clients[i].JoinAsync(meeting.MeetingId, $"c{i}", userId: $"usr_{i}");
            }));
            var lastJoin = started.Elapsed;
            // In a child process the server's sessions are the clients that joined (all of them, or the join threw).
            var server = host.Registry is { } registry
                ? registry.SessionsOf(meeting.MeetingId).Select(s => s.ParticipantId).ToHashSet()
                : clients.Select(c => c.ParticipantId!).ToHashSet();
            bool Matches(MeetClient c) => c.Participants.Count == server.Count - 1 && c.Participants.Keys.All(server.Contains);
            while (!clients.All(Matches) && started.Elapsed - lastJoin < TimeSpan.FromSeconds(60))
                await Task.Delay(20);
            var converged = started.Elapsed - lastJoin;
            var matching = clients.Count(Matches);
            var rosterMessages = (traffic?.RosterMessages ?? 0) - messagesBefore;
            var rosterUpdates = (traffic?.RosterUpdates ?? 0) - updatesBefore;
            var grpcBytes = (traffic?.GrpcBytes ?? 0) - bytesBefore;
            var memory = (host.Sample is { } after ? after().ResidentBytes : GC.GetTotalMemory(forceFullCollection: true)) - memoryBefore;
            var chat = await ChatFanOutAsync(clients, chatCount, traffic, host.Sample);
            string Counted(string value) => traffic is null ? "n/a" : value;
            Console.WriteLine($"{count} signaling clients over {transport}, roster updates {(options.BatchedRosterUpdates ? "batched per flush" : "one message each")}, server {(host.Registry is null ? "in a child process" : "in this process")}, {Environment.ProcessorCount} cores, load average {LoadAverage()}");
            Console.WriteLine($"| joined in | rosters equal to the server's | converged after last join | resyncs | roster messages | per client | per join per client | roster updates | gRPC bytes | server {(host.Sample is null ? "heap" : "RSS")} growth (MB) | working set (MB) | chat fan-out p50 / p99 |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {lastJoin.TotalSeconds:0.0} s | {matching}/{count} | {converged.TotalMilliseconds:0} ms | {clients.Sum(c => c.RosterResyncs)} | {Counted($"{rosterMessages}")} | {Counted($"{rosterMessages / (double)count:0.0}")} | {Counted($"{rosterMessages / (double)count / count:0.000}")} | {Counted($"{rosterUpdates}")} | {(transport == SignalingTransport.Grpc && traffic is not null ? (grpcBytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MB" : "n/a")} | {memory / 1048576.0:0.0} | {Environment.WorkingSet / 1048576} | {chat} |"));
            return matching == count ? 0 : 1;
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    // Issue 13's aim: a chat message reaches all clients within 100 ms (p99). Clients take turns sending
    // `messages` meeting-wide messages one at a time (the next once every client has the last). On this
    // process's monotonic clock: every delivery, and with the server in this process the server handing
    // it to every member's transport (SignalingTraffic.ChatFannedOut) and its last transport write; with
    // the server in a child process, the server's CPU per message from /proc, apart from the clients'.
    private static async Task<string> ChatFanOutAsync(IReadOnlyList<MeetClient> clients, int messages, SignalingTraffic? traffic, Func<ProcessSample>? serverSample)
    {
        if (messages == 0 || clients.Count < 2)
            return "n/a";
        var sentAt = new ConcurrentDictionary<string, long>();
        var delivered = new ConcurrentDictionary<string, int>();
        var latencies = new ConcurrentBag<double>();
        foreach (var client in clients)
            client.ChatReceived += message =>
            {
                var now = Stopwatch.GetTimestamp();
                if (sentAt.TryGetValue(message.Text, out var at))
                {
                    latencies.Add(Stopwatch.GetElapsedTime(at, now).TotalMilliseconds);
                    delivered.AddOrUpdate(message.Text, 1, (_, n) => n + 1);
                }
            };
        var queued = new List<double>();
        var written = new List<double>();
        // What both sides burn with no chat (heartbeats from every client, the monitor's rounds), measured
        // over a quiet window first and taken off the chat phase's CPU.
        Console.WriteLine($"chat fan-out: {messages} messages to {clients.Count} clients");
        var (idleClients, idleServer) = await CpuPerSecondAsync(serverSample, TimeSpan.FromSeconds(3));
        var phase = Stopwatch.StartNew();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var serverCpuBefore = serverSample?.Invoke().CpuSeconds ?? 0;
        for (var i = 0; i < messages; i++)
        {
            var text = $"fan-out {i}";
            sentAt[text] = Stopwatch.GetTimestamp();
            // Senders take turns, so no one meets the per-participant chat allowance (2/s, burst 10).
            await clients[i % clients.Count].SendChatAsync(text);
            var deadline = Stopwatch.StartNew();
            while (delivered.GetValueOrDefault(text) < clients.Count && deadline.Elapsed < TimeSpan.FromSeconds(5))
                await Task.Delay(5);
            if (traffic is not null)
            {
                var (started, allQueued, lastWritten) = traffic.LastChatFanOut;
                queued.Add(Stopwatch.GetElapsedTime(started, allQueued).TotalMilliseconds);
                written.Add(Stopwatch.GetElapsedTime(started, lastWritten).TotalMilliseconds);
            }
            await Task.Delay(100);
        }
        var seconds = phase.Elapsed.TotalSeconds;
        var cpuPerMessage = ((Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds - idleClients * seconds) * 1000 / messages;
        var serverCpuPerMessage = serverSample is null ? 0 : ((serverSample().CpuSeconds - serverCpuBefore) - idleServer * seconds) * 1000 / messages;
        var sorted = latencies.Order().ToArray();
        if (sorted.Length == 0)
            return "none delivered";
        var deliveries = string.Create(CultureInfo.InvariantCulture, $"delivered {Percentiles(sorted)} ms ({sorted.Length}/{messages * clients.Count})");
        return serverSample is null
            ? string.Create(CultureInfo.InvariantCulture,
                $"server queued {Percentiles(queued)}, server written {Percentiles(written)}, {deliveries}, CPU {cpuPerMessage:0.0} ms per message (server + clients)")
            : string.Create(CultureInfo.InvariantCulture,
                $"{deliveries}, CPU per message above idle: server {serverCpuPerMessage:0.0} ms, clients {cpuPerMessage:0.0} ms");
    }

    // CPU seconds per second of this process and of the server's child process (0 when in this process).
    private static async Task<(double Clients, double Server)> CpuPerSecondAsync(Func<ProcessSample>? serverSample, TimeSpan window)
    {
        var clientsBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var serverBefore = serverSample?.Invoke().CpuSeconds ?? 0;
        var watch = Stopwatch.StartNew();
        await Task.Delay(window);
        var seconds = watch.Elapsed.TotalSeconds;
        return ((Process.GetCurrentProcess().TotalProcessorTime - clientsBefore).TotalSeconds / seconds,
            serverSample is null ? 0 : (serverSample().CpuSeconds - serverBefore) / seconds);
    }

    private static string Percentiles(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        double P(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return string.Create(CultureInfo.InvariantCulture, $"{P(0.5):0.0} / {P(0.99):0.0}");
    }

    // One measured participant: publishers send Opus-sized and VP8 packets every 40 ms.
    private sealed class Participant(MeetClient client, bool publishes) : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<uint, long> _received = new();
        private readonly CancellationTokenSource _stop = new();
        private Task _sender = Task.CompletedTask;
        private long _sent;
        private bool _subscribed;

        public MeetClient Client { get; } = client;

        public bool Publishes { get; } = publishes;

        public long Sent => Interlocked.Read(ref _sent);

        public long Received(uint ssrc) => _received.TryGetValue(ssrc, out var n) ? n : 0;

        public void ResetCounts()
        {
            if (!_subscribed)
            {
                _subscribed = true;
                Client.SubscriberRtpReceived += packet =>
                {
                    if (RtpHeader.TryParse(packet, out var header))
                        _received.AddOrUpdate(header.Ssrc, 1, (_, n) => n + 1);
                };
            }
            _received.Clear();
        }

        public async Task PublishAsync()
        {
            var ssrc = (uint)Random.Shared.Next(0x1000, int.MaxValue);
            var publisher = await Client.PublishAsync([ClientMediaTrack.Opus(Client.ParticipantId!, "mic", ssrc), ClientMediaTrack.Vp8(Client.ParticipantId!, "cam", ssrc + 1)]);
            _sender = Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(40));
                var audio = new byte[80];
                var video = new byte[400];
                ushort sequence = 0;
                uint frame = 0;
                try
                {
                    while (await timer.WaitForNextTickAsync(_stop.Token))
                    {
                        frame++;
                        // VP8 payload descriptor S=1 (RFC 7741 §4.2); a keyframe (P bit 0) every 10th frame.
                        video[0] = 0x10;
                        video[1] = frame % 10 == 1 ? (byte)0 : (byte)1;
                        publisher.SendRtp(ssrc, 111, sequence, frame * 1920, false, audio);
                        publisher.SendRtp(ssrc + 1, 96, sequence++, frame * 3600, true, video);
                        Interlocked.Add(ref _sent, 2);
                    }
                }
                catch (OperationCanceledException)
                {
                }
            });
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _sender.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await Client.DisposeAsync();
        }
    }
}
