using System.Diagnostics;
using Meet.Modules.Client;

using Meet.Modules.Client.Media;

namespace Meet.Benchmarks.Meeting;

// Runs one step: a fresh server process, every participant joined (publishers first, a bounded number
// of joins in flight), a wait until every subscriber has media from every publisher of its meeting (or
// the settle time ran out), then the measured window, sampled once a second.
internal sealed class MeetingRun(MeetingScenario scenario, MeetingStep step, MeetingOptions options, Action<MeetingProgress> progress)
{
    private readonly LatencyHistogram _latency = new();
    private readonly RunCounters _counters = new();
    private readonly List<SyntheticParticipant> _participants = [];
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<SyntheticParticipant>> _meetings = [];
    private int _nextNumber;

    public async Task<StepResult> RunAsync()
    {
        await using var server = await MeetingServerProcess.StartAsync(options.ServerArguments(), TimeSpan.FromSeconds(60));
        // Idle baseline: the started server before anyone joined.
        await Task.Delay(1000);
        var idleStart = server.Sample();
        var idleWatch = Stopwatch.StartNew();
        await Task.Delay(2000);
        var baseline = server.Sample();
        var idleCores = (baseline.CpuSeconds - idleStart.CpuSeconds) / idleWatch.Elapsed.TotalSeconds;

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        var clientOptions = new MeetClientOptions
        {
            BaseAddress = server.BaseAddress,
            Transport = options.Transport,
            AnswerSubscriberOffers = true,
            PublisherTransportWideCc = true,
            // Issue 10: a camera answers the SFU's PLI at once, as a real one on its own machine would,
            // not after the thread pool drained the subscribers' packets (a talk spurt to 999 viewers).
            PublisherReceiveThread = true,
            // Issue 14: one-way latency split into the generator's receive lag, the server's and the rest.
            SubscriberKernelReceiveTimes = true,
            MediaAddress = options.Dpdk ? DpdkLoadNamespace.ParticipantAddress : null,
            MediaConnectTimeout = TimeSpan.FromSeconds(60),
        };
        // Issue 10: cameras take turns talking and viewers time each switch to the new speaker's video.
        var turnSeconds = options.EffectiveSpeakerTurnSeconds;
        var turns = turnSeconds > 0 ? new SpeakerTurns(TimeSpan.FromSeconds(turnSeconds), TimeSpan.FromSeconds(Math.Min(options.TalkSpurtSeconds, turnSeconds))) : null;
        var speakerChanges = turns is null ? null : new SpeakerChangeRecorder(turns, scenario.Media.VideoLayers,
            TimeSpan.FromSeconds(Math.Max(1, 2.5 / scenario.Media.LowestFramesPerSecond)));
        var publisherNumbers = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        using var pacer = new MediaPacer(scenario.Media, turns);
        // Every subscriber's receiver reports, NACKs and transport-cc feedback from one timer: every
        // 100 ms at full rate (Chrome's transport-cc interval), slower in proportion when the packet
        // rates are scaled down (at most 1 s), so feedback keeps its ratio to the media it describes.
        var feedbackPeriod = (int)Math.Clamp(100 / scenario.Media.Scale, 100, 1000);
        var feedbackBuffer = new byte[1200];
        var feedbackRunning = 0;
        using var feedbackTimer = new Timer(_ =>
        {
            if (Interlocked.Exchange(ref feedbackRunning, 1) == 1)
                return;
            try
            {
                foreach (var participant in Snapshot())
                    participant.SendFeedback(feedbackBuffer);
            }
            finally
            {
                Volatile.Write(ref feedbackRunning, 0);
            }
        }, null, feedbackPeriod, feedbackPeriod);
        SyntheticParticipant NewParticipant(ParticipantRole role) =>
            new(Interlocked.Increment(ref _nextNumber), role, clientOptions, http, _latency, _counters,
                TimeSpan.FromSeconds(Math.Max(0.5, 3 / scenario.Media.LowestFramesPerSecond)), scenario.Media,
                options.ServerLastN, options.ReceiveLossPercent / 100, speakerChanges,
                id => publisherNumbers.TryGetValue(id, out var number) ? number : null);

        // Meetings, created by their first participant (who joins with the host's token).
        var joinWatch = Stopwatch.StartNew();
        // CPU the joins cost, server and generator apart: on a shared machine join-all time says how much
        // CPU the two processes were given, CPU-seconds per join what the joins need.
        var joinStartServer = server.Sample();
        var joinStartGenerator = Process.GetCurrentProcess().TotalProcessorTime;
        var plan = new List<(SyntheticParticipant Participant, string MeetingId, string? Token)>();
        for (var m = 0; m < step.Meetings; m++)
        {
            var roles = Enumerable.Repeat(ParticipantRole.Camera, step.Cameras)
                .Concat(Enumerable.Repeat(ParticipantRole.Microphone, step.Microphones))
                .Concat(Enumerable.Repeat(ParticipantRole.Viewer, step.Viewers)).ToList();
            var members = roles.Select(NewParticipant).ToList();
            var created = await members[0].CreateMeetingAsync($"{scenario.Name} {m + 1}");
            lock (_lock)
            {
                _meetings[created.MeetingId] = members;
                _participants.AddRange(members);
            }
            for (var i = 0; i < members.Count; i++)
                plan.Add((members[i], created.MeetingId, i == 0 ? created.AccessToken : null));
        }
        // Publishers of every meeting first, then the viewers: the fan-out is in place when media starts.
        // A meeting's publishers join at once (the renegotiation under churn of issue 9), or one after
        // another with --publishers-one-by-one.
        using var progressTimer = new Timer(_ => progress(Progress("joining", server, null)), null, 1000, 1000);
        async Task Join((SyntheticParticipant Participant, string MeetingId, string? Token) p)
        {
            await p.Participant.JoinAsync(p.MeetingId, p.Token, awaitSubscriber: HasPublisher(p.MeetingId, p.Participant), CancellationToken.None);
            if (p.Participant.ParticipantId is { } participantId)
                publisherNumbers[participantId] = p.Participant.Number;
            if (p.Participant.Publisher is not null && !options.MediaAfterJoins)
                pacer.Add(p.Participant);
        }
        var publishers = plan.Where(p => p.Participant.Role != ParticipantRole.Viewer).ToList();
        if (options.PublishersTogether)
            await ForEachAsync(publishers, options.JoinConcurrency, Join);
        else
            await ForEachAsync(publishers.GroupBy(p => p.MeetingId), options.JoinConcurrency, async meeting =>
            {
                foreach (var p in meeting)
                    await Join(p);
            });
        await ForEachAsync(plan.Where(p => p.Participant.Role == ParticipantRole.Viewer), options.JoinConcurrency, Join);
        var joinAll = joinWatch.Elapsed;
        var joinEndServer = server.Sample();
        var joinGeneratorCpu = (Process.GetCurrentProcess().TotalProcessorTime - joinStartGenerator).TotalSeconds;
        if (options.MediaAfterJoins)
        {
            foreach (var p in plan.Where(p => p.Participant.Joined && p.Participant.Publisher is not null))
                pacer.Add(p.Participant);
        }

        // Settle: every subscriber has something from every publisher of its meeting.
        var settleWatch = Stopwatch.StartNew();
        while (settleWatch.Elapsed < TimeSpan.FromSeconds(options.Settle) && !AllMediaArrived())
            await Task.Delay(250);
        var settle = settleWatch.Elapsed;
        if (options.Warmup > 0)
            await Task.Delay(TimeSpan.FromSeconds(options.Warmup));
        progressTimer.Change(Timeout.Infinite, Timeout.Infinite);

        // The measured window.
        foreach (var participant in Snapshot())
            participant.Stats.Measuring = true;
        if (turns is not null && speakerChanges is not null)
        {
            // The first meeting's cameras take the turns (seed-1000 has one meeting).
            var firstMeeting = plan[0].MeetingId;
            turns.Start(plan.Where(p => p.MeetingId == firstMeeting && p.Participant.Role == ParticipantRole.Camera && p.Participant.Joined)
                .Select(p => p.Participant.Number));
            speakerChanges.Measuring = true;
        }
        var series = new List<TimeSample>();
        var generator = Process.GetCurrentProcess();
        var startServer = server.Sample();
        var startGenerator = generator.TotalProcessorTime;
        var startHistogram = _latency.Snapshot();
        var (startSent, startReceived, startLost) = (_counters.SentPackets, _counters.ReceivedPackets, TotalLost());
        var startBytes = _counters.ReceivedBytes;
        var startMetrics = await ServerMetrics.ScrapeAsync(http, server.BaseAddress);
        var startServerLatency = await ServerLatencyBuckets.ScrapeAsync(http, server.BaseAddress);
        var (startSendLag, startReceiveLag) = (_counters.SendLag.Snapshot(), _counters.ReceiveLag.Snapshot());
        var startFeedback = FeedbackTotals.Of(Snapshot().Select(p => p.Feedback));
        var window = Stopwatch.StartNew();
        using var churnStop = new CancellationTokenSource();
        var churn = step.ChurnPerSecond > 0 ? Task.Run(() => ChurnAsync(NewParticipant, pacer, churnStop.Token)) : Task.FromResult((0, new List<SyntheticParticipant>()));
        var previous = (Server: startServer, Generator: startGenerator, Histogram: startHistogram, Sent: startSent, Received: startReceived, Lost: startLost, Elapsed: 0.0);
        while (window.Elapsed.TotalSeconds < options.Seconds)
        {
            await Task.Delay(1000);
            var elapsed = window.Elapsed.TotalSeconds;
            var now = (Server: server.Sample(), Generator: generator.TotalProcessorTime, Histogram: _latency.Snapshot(),
                Sent: _counters.SentPackets, Received: _counters.ReceivedPackets, Lost: TotalLost(), Elapsed: elapsed);
            var dt = elapsed - previous.Elapsed;
            var lostDelta = now.Lost - previous.Lost;
            var receivedDelta = now.Received - previous.Received;
            var sample = new TimeSample(elapsed,
                (now.Sent - previous.Sent) / dt, receivedDelta / dt,
                100 * (now.Server.CpuSeconds - previous.Server.CpuSeconds) / dt,
                100 * (now.Generator - previous.Generator).TotalSeconds / dt,
                LatencyHistogram.Percentile(previous.Histogram, now.Histogram, 0.5),
                LatencyHistogram.Percentile(previous.Histogram, now.Histogram, 0.99),
                receivedDelta + lostDelta > 0 ? 100.0 * Math.Max(0, lostDelta) / (receivedDelta + lostDelta) : 0);
            series.Add(sample);
            progress(Progress($"measuring {elapsed:F0}/{options.Seconds} s", server, sample));
            previous = now;
        }
        await churnStop.CancelAsync();
        if (speakerChanges is not null)
            speakerChanges.Measuring = false;
        // Issue 10: the server's own stamps of the window's speaker changes (the last change gets a moment
        // to reach its viewers' keyframes; a trace ends by itself once every switching viewer got one).
        var serverSpeakerChanges = turns is not null && speakerChanges is not null
            ? await ServerSpeakerChangesAsync(server, turns, speakerChanges, publisherNumbers)
            : null;
        var (churnLeft, churnJoined) = await churn;
        var windowSeconds = window.Elapsed.TotalSeconds;
        var endServer = server.Sample();
        var serverCounted = await ServerMetrics.ScrapeAsync(http, server.BaseAddress) - startMetrics;
        var endServerLatency = await ServerLatencyBuckets.ScrapeAsync(http, server.BaseAddress);
        var (endSendLag, endReceiveLag) = (_counters.SendLag.Snapshot(), _counters.ReceiveLag.Snapshot());
        var feedbackCounted = FeedbackTotals.Of(Snapshot().Select(p => p.Feedback)) - startFeedback;
        var endGenerator = generator.TotalProcessorTime;
        var endHistogram = _latency.Snapshot();
        var sent = _counters.SentPackets - startSent;
        var received = _counters.ReceivedPackets - startReceived;
        var lost = Math.Max(0, TotalLost() - startLost);
        var serverCpu = endServer.CpuSeconds - startServer.CpuSeconds;
        generator.Refresh();

        var all = Snapshot();
        var summaries = all.Where(p => p.Joined).Select(p => p.Stats.Summarize(Expected(p), PublishesAudio(p))).ToList();
        var subscribers = summaries.Where(s => s.ExpectedStreams > 0).ToList();
        var joined = all.Where(p => p.Joined).ToList();
        // Issue 10: what one viewer costs, which last-N bounds whatever the meeting's size.
        var viewers = joined.Where(p => p.Role == ParticipantRole.Viewer).ToList();
        var viewerKbps = viewers.Select(p => p.Stats.WindowBytes * 8 / windowSeconds / 1000).ToList();
        var viewerVideos = viewers.Select(p => p.Stats.VideosInWindow()).ToList();
        var result = new StepResult
        {
            Step = step.Name,
            Meetings = step.Meetings,
            Participants = step.Participants,
            Publishers = all.Count(p => p.Role != ParticipantRole.Viewer),
            Joined = joined.Count,
            JoinFailures = all.Count(p => p.Failure is not null),
            FailureSamples = [.. all.Where(p => p.Failure is not null).Select(p => p.Failure!).Distinct().Take(5)],
            Subscribers = subscribers.Count,
            SubscribersWithAllMedia = subscribers.Count(s => s.ReceivedStreams == s.ExpectedStreams),
            // Issue 10: what each participant's subscriber PeerConnection holds and how often it was renegotiated.
            SubscriberSectionsMax = joined.Count == 0 ? 0 : joined.Max(p => p.SubscriberSections),
            SubscriberOffersMean = joined.Count == 0 ? 0 : joined.Average(p => p.SubscriberOffers),
            LastN = options.ServerLastN,
            ViewerSectionsMax = viewers.Count == 0 ? 0 : viewers.Max(p => p.SubscriberSections),
            ViewerKbpsMean = viewerKbps.Count == 0 ? 0 : viewerKbps.Average(),
            ViewerKbpsMax = viewerKbps.Count == 0 ? 0 : viewerKbps.Max(),
            ViewerVideosMean = viewerVideos.Count == 0 ? 0 : viewerVideos.Average(),
            ViewerVideosMax = viewerVideos.Count == 0 ? 0 : viewerVideos.Max(),
            SubscribersWithAnyMedia = subscribers.Count(s => s.ReceivedStreams > 0),
            StreamsExpected = subscribers.Sum(s => s.ExpectedStreams),
            StreamsReceived = subscribers.Sum(s => s.ReceivedStreams),
            JoinAllSeconds = joinAll.TotalSeconds,
            ServerCpuMsPerJoin = 1000 * (joinEndServer.CpuSeconds - joinStartServer.CpuSeconds) / Math.Max(1, step.Participants),
            GeneratorCpuMsPerJoin = 1000 * joinGeneratorCpu / Math.Max(1, step.Participants),
            JoinCoresUsed = (joinEndServer.CpuSeconds - joinStartServer.CpuSeconds + joinGeneratorCpu) / joinAll.TotalSeconds,
            SettleSeconds = settle.TotalSeconds,
            SignalingJoinP50Ms = Percentile(joined.Select(p => p.SignalingJoinTime.TotalMilliseconds), 0.5),
            SignalingJoinP99Ms = Percentile(joined.Select(p => p.SignalingJoinTime.TotalMilliseconds), 0.99),
            PublishP50Ms = Percentile(joined.Where(p => p.Publisher is not null).Select(p => p.PublishTime.TotalMilliseconds), 0.5),
            PublishP99Ms = Percentile(joined.Where(p => p.Publisher is not null).Select(p => p.PublishTime.TotalMilliseconds), 0.99),
            SubscriberConnectP50Ms = Percentile(joined.Where(p => p.SubscriberConnectTime is not null).Select(p => p.SubscriberConnectTime!.Value.TotalMilliseconds), 0.5),
            SubscriberConnectP99Ms = Percentile(joined.Where(p => p.SubscriberConnectTime is not null).Select(p => p.SubscriberConnectTime!.Value.TotalMilliseconds), 0.99),
            FirstMediaP50Ms = Percentile(FirstMedia(joined), 0.5),
            FirstMediaP99Ms = Percentile(FirstMedia(joined), 0.99),
            WindowSeconds = windowSeconds,
            PacketsInPerSecond = sent / windowSeconds,
            PacketsOutPerSecond = received / windowSeconds,
            MegabitsOutPerSecond = (_counters.ReceivedBytes - startBytes) * 8 / windowSeconds / 1e6,
            ServerCores = serverCpu / windowSeconds,
            ServerKernelShare = serverCpu > 0 ? (endServer.KernelSeconds - startServer.KernelSeconds) / serverCpu : 0,
            ServerRtpForwardedPerSecond = serverCounted.RtpForwarded / windowSeconds,
            ServerPacketsOutPerSecond = serverCounted.EnginePacketsOut / windowSeconds,
            ServerPacketsInPerSecond = serverCounted.EnginePacketsIn / windowSeconds,
            ServerDropped = (long)(serverCounted.MediaDropped + serverCounted.EngineDropped),
            // Per forwarded RTP packet as the server counted it (what subscribers received when the
            // scrape failed).
            ServerCpuSecondsPerMillionForwarded = Forwarded(serverCounted, received) > 0 ? serverCpu / (Forwarded(serverCounted, received) / 1e6) : double.NaN,
            ServerMicrosecondsPerForwardedPacket = Forwarded(serverCounted, received) > 0 ? serverCpu * 1e6 / Forwarded(serverCounted, received) : double.NaN,
            ServerIdleCores = idleCores,
            // Issue 10 (c): server work per subscriber, net of the idle server, from the same window.
            ServerCpuMsPerSubscriberSecond = subscribers.Count > 0 ? 1000 * Math.Max(0, serverCpu / windowSeconds - idleCores) / subscribers.Count : double.NaN,
            ServerNetMicrosecondsPerForwardedPacket = Forwarded(serverCounted, received) > 0
                ? Math.Max(0, serverCpu - idleCores * windowSeconds) * 1e6 / Forwarded(serverCounted, received) : double.NaN,
            ForwardedPerSubscriberPerSecond = subscribers.Count > 0 ? Forwarded(serverCounted, received) / windowSeconds / subscribers.Count : 0,
            ServerPacketsPerSendCall = serverCounted.EngineBatchesOut > 0 ? serverCounted.EnginePacketsOut / serverCounted.EngineBatchesOut : double.NaN,
            ServerPacketsPerSendMessage = serverCounted.EngineSendMessages > 0 ? serverCounted.EnginePacketsOut / serverCounted.EngineSendMessages : double.NaN,
            SpeakerChanges = speakerChanges?.Result(),
            ServerSpeakerChanges = serverSpeakerChanges,
            GeneratorCores = (endGenerator - startGenerator).TotalSeconds / windowSeconds,
            LoadAverage = LoadAverage(),
            LatencyP50Ms = LatencyHistogram.Percentile(startHistogram, endHistogram, 0.5),
            LatencyP99Ms = LatencyHistogram.Percentile(startHistogram, endHistogram, 0.99),
            LatencyP999Ms = LatencyHistogram.Percentile(startHistogram, endHistogram, 0.999),
            // Issue 14: one-way split into the generator's send lag, the server's own time and the generator's receive lag.
            ServerLatencySamples = (long)(endServerLatency.Total - startServerLatency.Total),
            ServerLatencyP50Ms = ServerLatencyBuckets.PercentileMs(startServerLatency, endServerLatency, 0.5),
            ServerLatencyP99Ms = ServerLatencyBuckets.PercentileMs(startServerLatency, endServerLatency, 0.99),
            ServerLatencyP999Ms = ServerLatencyBuckets.PercentileMs(startServerLatency, endServerLatency, 0.999),
            SendLagP50Ms = LatencyHistogram.Percentile(startSendLag, endSendLag, 0.5),
            SendLagP99Ms = LatencyHistogram.Percentile(startSendLag, endSendLag, 0.99),
            SendLagP999Ms = LatencyHistogram.Percentile(startSendLag, endSendLag, 0.999),
            ReceiveLagP50Ms = LatencyHistogram.Percentile(startReceiveLag, endReceiveLag, 0.5),
            ReceiveLagP99Ms = LatencyHistogram.Percentile(startReceiveLag, endReceiveLag, 0.99),
            ReceiveLagP999Ms = LatencyHistogram.Percentile(startReceiveLag, endReceiveLag, 0.999),
            ServerGcCollections = serverCounted.GcCollections,
            ServerGcPauseMs = serverCounted.GcPauseSeconds * 1000,
            LossPercent = received + lost > 0 ? 100.0 * lost / (received + lost) : 0,
            Freezes = summaries.Sum(s => s.Freezes),
            SubscriberFeedback = feedbackCounted,
            ServerNacksReceived = serverCounted.NacksReceived,
            ServerRtpRetransmitted = serverCounted.RtpRetransmitted,
            ServerBaselineRssBytes = baseline.ResidentBytes,
            ServerRssBytes = endServer.ResidentBytes,
            ServerKibPerParticipant = joined.Count > 0 ? (endServer.ResidentBytes - baseline.ResidentBytes) / 1024.0 / joined.Count : 0,
            ServerBaselineThreads = baseline.Threads,
            ServerThreads = endServer.Threads,
            GeneratorThreads = generator.Threads.Count,
            ChurnLeft = churnLeft,
            ChurnJoined = churnJoined.Count,
            ChurnJoinedWithMedia = churnJoined.Count(p => p.Joined && p.Stats.Summarize(Expected(p), PublishesAudio(p)) is var s && s.ReceivedStreams == s.ExpectedStreams),
            Series = series,
        };

        progress(Progress("leaving", server, null));
        feedbackTimer.Change(Timeout.Infinite, Timeout.Infinite);
        pacer.Dispose();
        await ForEachAsync(all, 32, async p =>
        {
            await p.LeaveAsync();
            await p.DisposeAsync();
        });
        return result;
    }

    private static async Task<ServerSpeakerChangeResult?> ServerSpeakerChangesAsync(MeetingServerProcess server, SpeakerTurns turns,
        SpeakerChangeRecorder recorder, System.Collections.Concurrent.ConcurrentDictionary<string, int> participantNumbers)
    {
        await Task.Delay(TimeSpan.FromSeconds(1));
        var records = await server.ReadSpeakerChangesAsync(TimeSpan.FromSeconds(30));
        if (records is null)
            return null;
        return ServerSpeakerTimeline.Compute(records, turns.History(), turns.TurnLength,
            id => participantNumbers.TryGetValue(id, out var number) ? number : null, recorder.FirstPacketArrivals());
    }

    // The churn loop: every 1/rate seconds a random viewer leaves and a new one joins the same meeting.
    private async Task<(int Left, List<SyntheticParticipant> Joined)> ChurnAsync(Func<ParticipantRole, SyntheticParticipant> create, MediaPacer pacer, CancellationToken stop)
    {
        var interval = TimeSpan.FromSeconds(1 / step.ChurnPerSecond);
        var joinedByChurn = new List<SyntheticParticipant>();
        var left = 0;
        var inFlight = new List<Task>();
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                SyntheticParticipant? leaving;
                string meetingId;
                lock (_lock)
                {
                    var (id, members) = _meetings.ElementAt(Random.Shared.Next(_meetings.Count));
                    meetingId = id;
                    var viewers = members.Where(p => p.Role == ParticipantRole.Viewer && p.Joined).ToList();
                    leaving = viewers.Count > 0 ? viewers[Random.Shared.Next(viewers.Count)] : null;
                    if (leaving is not null)
                    {
                        members.Remove(leaving);
                        _participants.Remove(leaving);
                    }
                }
                var newcomer = create(ParticipantRole.Viewer);
                lock (_lock)
                {
                    _meetings[meetingId].Add(newcomer);
                    _participants.Add(newcomer);
                    joinedByChurn.Add(newcomer);
                }
                if (leaving is not null)
                {
                    left++;
                    inFlight.Add(Task.Run(async () =>
                    {
                        pacer.Remove(leaving);
                        await leaving.LeaveAsync();
                        await leaving.DisposeAsync();
                    }, CancellationToken.None));
                }
                newcomer.Stats.Measuring = true;
                inFlight.Add(newcomer.JoinAsync(meetingId, null, awaitSubscriber: true, CancellationToken.None));
            }
        }
        catch (OperationCanceledException)
        {
        }
        await Task.WhenAll(inFlight);
        // The last newcomers get a moment to receive their first media.
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(5) && joinedByChurn.Any(p => p.Joined && p.Stats.Summarize(Expected(p), PublishesAudio(p)) is var s && s.ReceivedStreams < s.ExpectedStreams))
            await Task.Delay(200, CancellationToken.None);
        return (left, joinedByChurn);
    }

    // Someone other than this participant already publishes in the meeting (so a subscriber PC comes).
    private bool HasPublisher(string meetingId, SyntheticParticipant participant)
    {
        lock (_lock)
            return _meetings.TryGetValue(meetingId, out var members) && members.Any(m => m != participant && m.Publisher is not null);
    }

    private List<SyntheticParticipant> Snapshot()
    {
        lock (_lock)
            return [.. _participants];
    }

    // The streams a participant should receive: every other publisher's video and (unless muted) audio.
    private List<(int Publisher, byte Kind)> Expected(SyntheticParticipant participant)
    {
        List<SyntheticParticipant> members;
        lock (_lock)
            members = _meetings.TryGetValue(participant.MeetingId, out var m) ? [.. m] : [];
        var expected = new List<(int, byte)>();
        foreach (var other in members)
        {
            if (other == participant || !other.Joined || other.Publisher is null)
                continue;
            if (other.Role == ParticipantRole.Camera)
            {
                expected.Add((other.Number, SyntheticMedia.VideoKind));
                expected.Add((other.Number, SyntheticMedia.AudioKind));
            }
            else if (other.Role == ParticipantRole.Microphone && scenario.Media.MicrophonesTalk)
                expected.Add((other.Number, SyntheticMedia.AudioKind));
        }
        return expected;
    }

    private bool PublishesAudio(SyntheticParticipant participant) =>
        participant.Publisher is not null && (participant.Role == ParticipantRole.Camera || (participant.Role == ParticipantRole.Microphone && scenario.Media.MicrophonesTalk));

    private bool AllMediaArrived() => Snapshot().Where(p => p.Joined).All(p => p.Stats.Summarize(Expected(p), PublishesAudio(p)) is var s && s.ReceivedStreams == s.ExpectedStreams);

    private long TotalLost()
    {
        long lost = 0;
        foreach (var participant in Snapshot())
            lost += participant.Stats.Summarize([]).Lost;
        return lost;
    }

    private MeetingProgress Progress(string phase, MeetingServerProcess server, TimeSample? sample)
    {
        var all = Snapshot();
        var state = server.Sample();
        return new MeetingProgress(step.Name, phase, all.Count(p => p.Joined), step.Participants, all.Count(p => p.Failure is not null),
            all.Count(p => p.Stats.FirstMediaTicks != 0), state.ResidentBytes / 1048576.0, state.Threads, sample);
    }

    private static double LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            return double.NaN;
        }
    }

    private static double Forwarded(ServerMetrics counted, long received) => counted.RtpForwarded > 0 ? counted.RtpForwarded : received;

    private static IEnumerable<double> FirstMedia(IEnumerable<SyntheticParticipant> participants) =>
        participants.Where(p => p.Stats.FirstMediaTicks > p.JoinStartedTicks)
            .Select(p => (p.Stats.FirstMediaTicks - p.JoinStartedTicks) * 1000.0 / Stopwatch.Frequency);

    private static double Percentile(IEnumerable<double> values, double quantile) => Quantiles.Rank([.. values.Order()], quantile);

    private static async Task ForEachAsync<T>(IEnumerable<T> items, int concurrency, Func<T, Task> action)
    {
        using var gate = new SemaphoreSlim(concurrency);
        var tasks = items.Select(async item =>
        {
            await gate.WaitAsync();
            try
            {
                await action(item);
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        await Task.WhenAll(tasks);
    }
}
