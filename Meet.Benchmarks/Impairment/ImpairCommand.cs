using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Meet.Benchmarks.Meeting;
using Meet.Benchmarks.Signaling;
using Meet.Modules.Client;
using Meet.Modules.Media.Internal;
using Meet.PacketEngine.FaultInjection;
using Microsoft.Extensions.DependencyInjection;

namespace Meet.Benchmarks.Impairment;

// The impairment matrix (issue 11, Measure):
//   dotnet run -c Release --project Meet.Benchmarks -- impair [--seconds 30] [--recover-seconds 20]
//       [--keyframe-seconds 10] [--profiles loss-10,cap-300k] [--output DIR] [--trace]
// One synthetic camera publishes the seed's three simulcast layers (180p/360p/720p at 150/500/1,500
// kbps) and one synthetic subscriber (the .NET client library: receiver reports, NACKs, RTX,
// transport-cc feedback every 100 ms) receives it through the real server in this process. Each profile
// impairs only the subscriber's downlink (fault injection on its address) for --seconds, then lifts it
// and waits up to --recover-seconds for a 720p key frame. Per profile: freezes per minute (a gap of more
// than 500 ms between completed frames), layer switches per minute, time back to 720p after the lift,
// retransmitted bytes, NACKs answered and refused, key-frame requests. Results (JSON + Markdown) go to a
// folder per run, as the `meeting` command's do.
internal static class ImpairCommand
{
    private static readonly long FreezeTicks = Stopwatch.Frequency / 2;
    private const int FullWidth = 1280;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = InProcessMeetHost.Option(args, "--seconds", 30);
        var recoverSeconds = InProcessMeetHost.Option(args, "--recover-seconds", 20);
        var keyframeSeconds = InProcessMeetHost.Option(args, "--keyframe-seconds", 10);
        var trace = args.Contains("--trace");
        var profiles = SelectProfiles(args);
        if (seconds <= 0 || recoverSeconds <= 0 || keyframeSeconds <= 0 || profiles is null)
        {
            Console.Error.WriteLine("impair [--seconds N>0] [--recover-seconds N>0] [--keyframe-seconds N>0] [--profiles "
                + string.Join(',', ImpairmentProfile.All.Select(p => p.Name)) + "] [--output DIR]");
            return 2;
        }
        var outputIndex = Array.IndexOf(args, "--output");
        var output = outputIndex >= 0 && outputIndex + 1 < args.Length ? args[outputIndex + 1]
            : Path.Combine("results", "impair", $"impair-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
        Directory.CreateDirectory(output);
        Console.WriteLine($"impair: {profiles.Count} profiles, {seconds} s impaired + up to {recoverSeconds} s to recover each; results: {Path.GetFullPath(output)}");

        // Enabled with no whole-channel impairment: only the subscriber's path is impaired, per profile.
        await using var host = await InProcessMeetHost.StartAsync(["--PacketEngine:FaultInjection:Enabled=true"]);
        var media = host.Services.GetRequiredService<MediaModule>();
        var paths = host.Services.GetRequiredService<IPathImpairments>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var clientOptions = new MeetClientOptions
        {
            BaseAddress = host.BaseAddress,
            GrpcAddress = host.GrpcAddress,
            AnswerSubscriberOffers = true,
            PublisherTransportWideCc = true,
        };
        var profile = new MediaProfile(0, 1, keyframeSeconds, 80, MicrophonesTalk: false);
        var counters = new RunCounters();
        var latency = new LatencyHistogram();
        await using var camera = new SyntheticParticipant(1, ParticipantRole.Camera, clientOptions, http, latency, counters, TimeSpan.FromSeconds(1), profile, 12);
        await using var viewer = new SyntheticParticipant(2, ParticipantRole.Viewer, clientOptions, http, latency, counters, TimeSpan.FromSeconds(1), profile, 12);
        var frames = new ReceivedFrames(viewer.Feedback);
        viewer.RtpArrived += frames.OnRtp;

        var created = await camera.CreateMeetingAsync("impairment matrix");
        await camera.JoinAsync(created.MeetingId, created.AccessToken, awaitSubscriber: false, CancellationToken.None);
        await viewer.JoinAsync(created.MeetingId, null, awaitSubscriber: true, CancellationToken.None);
        if (!camera.Joined || !viewer.Joined)
        {
            Console.Error.WriteLine($"impair: join failed: {camera.Failure ?? viewer.Failure}");
            return 1;
        }
        using var pacer = new MediaPacer(profile);
        pacer.Add(camera);
        // Chrome sends transport-cc feedback about every 100 ms, receiver reports and NACKs with it.
        var feedbackBuffer = new byte[1200];
        using var feedbackTimer = new Timer(_ =>
        {
            lock (feedbackBuffer)
                viewer.SendFeedback(feedbackBuffer);
        }, null, 100, 100);

        var member = media.FindMember(created.MeetingId, viewer.ParticipantId!);
        if (member is null)
        {
            Console.Error.WriteLine("impair: the subscriber is not in the SFU's meeting");
            return 1;
        }
        var address = member.Subscriber.RemoteAddress;
        // --trace: once a second, what the subscriber receives and what the SFU estimates for it.
        var traceStart = Stopwatch.GetTimestamp();
        using var traceTimer = trace ? new Timer(_ => Console.WriteLine(FormattableString.Invariant(
            $"trace t={Stopwatch.GetElapsedTime(traceStart).TotalSeconds:F0}s width={frames.CurrentWidth} estimate_kbps={(member.Subscriber.Downlink?.Estimate ?? 0) / 1000:F0} rtt_ms={member.Subscriber.Downlink?.RoundTripTime?.TotalMilliseconds:F0} loss={member.Subscriber.Downlink?.FractionLost:P0} frames={frames.Since(Stopwatch.GetTimestamp() - Stopwatch.Frequency).Count}")),
            null, 1000, 1000) : null;
        var start = Stopwatch.GetTimestamp();
        var initial = await WaitFor720pAsync(frames, start, TimeSpan.FromSeconds(Math.Max(30, recoverSeconds)));
        Console.WriteLine(initial is { } t ? $"clean start: 720p after {t:F1} s" : $"clean start: no 720p within 30 s (width {frames.CurrentWidth})");

        var results = new List<ProfileResult>();
        foreach (var p in profiles)
        {
            // Each profile starts from 720p on a clean path, as far as the last recovery got.
            var serverBefore = ServerCounters.Read(media);
            var statsBefore = paths.GetStats(address);
            var rtxBytesBefore = frames.RetransmittedBytes;
            var rtxPacketsBefore = frames.RetransmittedPackets;
            var impairedAt = Stopwatch.GetTimestamp();
            paths.Set(address, p.Impairment);
            if (trace)
                Console.WriteLine($"trace {p.Name}: impaired");
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            var liftedAt = Stopwatch.GetTimestamp();
            var serverAfter = ServerCounters.Read(media);
            var statsAfter = paths.GetStats(address);
            var widthAtLift = frames.CurrentWidth;
            var downlink = member.Subscriber.Downlink;
            var estimate = downlink?.Estimate ?? 0;
            var rtt = downlink?.RoundTripTime?.TotalMilliseconds;
            paths.Clear(address);
            if (trace)
                Console.WriteLine($"trace {p.Name}: lifted");
            var back = widthAtLift == FullWidth ? 0 : await WaitFor720pAsync(frames, liftedAt, TimeSpan.FromSeconds(recoverSeconds));

            var window = frames.Since(impairedAt).Where(f => f.Ticks <= liftedAt).ToList();
            var result = Summarize(p, window, impairedAt, liftedAt, widthAtLift, back, serverAfter - serverBefore,
                frames.RetransmittedBytes - rtxBytesBefore, frames.RetransmittedPackets - rtxPacketsBefore,
                statsAfter.Delivered - statsBefore.Delivered, statsAfter.Lost - statsBefore.Lost, statsAfter.QueueDropped - statsBefore.QueueDropped,
                estimate, rtt);
            results.Add(result);
            Console.WriteLine(Line(result));
        }
        feedbackTimer.Change(Timeout.Infinite, Timeout.Infinite);
        pacer.Remove(camera);
        await viewer.LeaveAsync();
        await camera.LeaveAsync();

        var document = new
        {
            command = "impair " + string.Join(' ', args),
            startedUtc = DateTime.UtcNow,
            machine = MeetingCommand.MachineDescription(),
            media = profile.Describe(),
            impairedSeconds = seconds,
            recoverSeconds,
            keyframeSeconds,
            profiles = results,
        };
        await File.WriteAllTextAsync(Path.Combine(output, "results.json"), JsonSerializer.Serialize(document, Json));
        var markdown = Markdown(args, profile, seconds, recoverSeconds, keyframeSeconds, results);
        await File.WriteAllTextAsync(Path.Combine(output, "results.md"), markdown);
        Console.WriteLine();
        Console.WriteLine(markdown);
        return 0;
    }

    private static List<ImpairmentProfile>? SelectProfiles(string[] args)
    {
        var index = Array.IndexOf(args, "--profiles");
        if (index < 0)
            return [.. ImpairmentProfile.All];
        if (index + 1 >= args.Length)
            return null;
        var names = args[index + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var selected = ImpairmentProfile.All.Where(p => names.Contains(p.Name)).ToList();
        return selected.Count == 0 || selected.Count != names.Distinct().Count() ? null : selected;
    }

    // Seconds from `fromTicks` until a 720p key frame completed, or null after `timeout`.
    private static async Task<double?> WaitFor720pAsync(ReceivedFrames frames, long fromTicks, TimeSpan timeout)
    {
        var deadline = fromTicks + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var first = frames.Since(fromTicks).FirstOrDefault(f => f.Width == FullWidth);
            if (first is not null)
                return (first.Ticks - fromTicks) / (double)Stopwatch.Frequency;
            if (Stopwatch.GetTimestamp() > deadline)
                return null;
            await Task.Delay(50);
        }
    }

    private static ProfileResult Summarize(ImpairmentProfile profile, List<CompletedFrame> window, long from, long to, int widthAtLift, double? back,
        ServerCounters server, long rtxBytes, long rtxPackets, long delivered, long lost, long queueDropped, double estimate, double? rtt)
    {
        var seconds = (to - from) / (double)Stopwatch.Frequency;
        var freezes = 0;
        long longest = 0;
        var previous = from;
        foreach (var frame in window.Append(new CompletedFrame(to, 0, 0)))
        {
            var gap = frame.Ticks - previous;
            longest = Math.Max(longest, gap);
            if (gap > FreezeTicks)
                freezes++;
            previous = frame.Ticks;
        }
        // A layer switch is a key frame of another size than the key frame before it.
        var switches = 0;
        var lowest = int.MaxValue;
        var width = 0;
        foreach (var frame in window.Where(f => f.Width > 0))
        {
            if (width != 0 && frame.Width != width)
                switches++;
            width = frame.Width;
            lowest = Math.Min(lowest, frame.Width);
        }
        var minutes = seconds / 60;
        return new ProfileResult(profile.Name, profile.Describe(), Math.Round(seconds, 2), window.Count, Math.Round(window.Count / seconds, 1),
            freezes, Math.Round(freezes / minutes, 2), Math.Round(longest * 1000.0 / Stopwatch.Frequency), switches, Math.Round(switches / minutes, 2),
            lowest == int.MaxValue ? widthAtLift : lowest, widthAtLift, back is { } b ? Math.Round(b, 2) : null,
            rtxBytes, rtxPackets, server.NacksReceived, server.Retransmitted, server.RefusedForRtt, server.RefusedOverEstimate, server.RefusedOverBudget,
            server.KeyFrameRequests, server.KeyFramesInsteadOfNack, delivered, lost, queueDropped,
            Math.Round(estimate / 1000), rtt is { } r ? Math.Round(r) : null, LoadAverage());
    }

    private static double LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    // The line the smoke test reads: one per profile.
    private static string Line(ProfileResult r) => FormattableString.Invariant(
        $"impair profile={r.Profile} frames={r.FramesCompleted} freezes_per_min={r.FreezesPerMinute:F2} longest_gap_ms={r.LongestGapMs:F0} switches_per_min={r.LayerSwitchesPerMinute:F2} lowest_width={r.LowestWidth} back_to_720p_s={(r.SecondsBackTo720p is { } b ? b.ToString("F2", CultureInfo.InvariantCulture) : "none")} rtx_bytes={r.RetransmittedBytes} nacks_answered={r.NacksAnswered} nacks_refused={r.NacksRefusedForRtt + r.NacksRefusedOverEstimate + r.NacksRefusedOverBudget} plis={r.KeyFrameRequests} load={r.LoadAverage:F1}");

    private static string Markdown(string[] args, MediaProfile media, int seconds, int recoverSeconds, int keyframeSeconds, List<ProfileResult> results)
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine("## Impairment matrix: one subscriber's downlink impaired");
        md.AppendLine();
        md.AppendLine(inv, $"`dotnet run -c Release --project Meet.Benchmarks -- impair {string.Join(' ', args)}`");
        md.AppendLine();
        md.AppendLine(inv, $"Machine: {MeetingCommand.MachineDescription()}. Publisher: {media.Describe()}, a key frame every {keyframeSeconds} s and on PLI. " +
            $"Each profile: {seconds} s impaired, then lifted with up to {recoverSeconds} s to get back to 720p. A freeze is a gap over 500 ms between completed frames.");
        md.AppendLine();
        md.AppendLine("| profile | impairment | frames/s | freezes/min | longest gap ms | layer switches/min | lowest layer px | back to 720p s | RTX KiB | NACKed seq | answered | refused (RTT / estimate / budget) | PLIs (instead of NACK) | path lost / queue drops | estimate kbps | RTT ms | load |");
        md.AppendLine("|---|---|" + string.Concat(Enumerable.Repeat("---:|", 15)));
        foreach (var r in results)
        {
            md.AppendLine(inv,
                $"| {r.Profile} | {r.Impairment} | {r.FramesPerSecond:F1} | {r.FreezesPerMinute:F2} | {r.LongestGapMs:F0} | {r.LayerSwitchesPerMinute:F2} | {r.LowestWidth} | " +
                $"{(r.SecondsBackTo720p is { } b ? b.ToString("F1", inv) : "not within " + recoverSeconds + " s")} | {r.RetransmittedBytes / 1024.0:F0} | {r.NacksReceived:N0} | {r.NacksAnswered:N0} | " +
                $"{r.NacksRefusedForRtt:N0} / {r.NacksRefusedOverEstimate:N0} / {r.NacksRefusedOverBudget:N0} | {r.KeyFrameRequests:N0} ({r.KeyFramesInsteadOfNack:N0}) | {r.PathLost:N0} / {r.PathQueueDropped:N0} | " +
                $"{r.EstimateKbpsAtEnd:F0} | {(r.RoundTripMsAtEnd is { } rtt ? rtt.ToString("F0", inv) : "-")} | {r.LoadAverage:F1} |");
        }
        return md.ToString();
    }

    // The server's counters the matrix reports, read before and after each impaired window.
    private readonly record struct ServerCounters(long NacksReceived, long Retransmitted, long RefusedForRtt, long RefusedOverEstimate,
        long RefusedOverBudget, long KeyFrameRequests, long KeyFramesInsteadOfNack)
    {
        public static ServerCounters Read(MediaModule media)
        {
            var c = media.Counters;
            return new(c.NacksReceived, c.RtpRetransmitted, c.Adaptive.NacksRefusedForRtt, c.Adaptive.RetransmissionsOverEstimate,
                c.Adaptive.RetransmissionsOverBudget, c.KeyFrameRequestsSent, c.Adaptive.KeyFramesInsteadOfNack);
        }

        public static ServerCounters operator -(ServerCounters a, ServerCounters b) => new(a.NacksReceived - b.NacksReceived,
            a.Retransmitted - b.Retransmitted, a.RefusedForRtt - b.RefusedForRtt, a.RefusedOverEstimate - b.RefusedOverEstimate,
            a.RefusedOverBudget - b.RefusedOverBudget, a.KeyFrameRequests - b.KeyFrameRequests, a.KeyFramesInsteadOfNack - b.KeyFramesInsteadOfNack);
    }
}
