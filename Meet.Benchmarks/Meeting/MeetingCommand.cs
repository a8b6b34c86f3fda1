using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

using Meet.Modules.Client.Media;

namespace Meet.Benchmarks.Meeting;

// dotnet run -c Release --project Meet.Benchmarks -- meeting <scenario> [options]  (see MeetingOptions.Usage)
// Whole meetings through the real server: synthetic participants on the .NET client library, the
// server in a child process measured through /proc, results (JSON + Markdown) in a folder per run.
internal static class MeetingCommand
{
    internal const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static async Task<int> RunAsync(string[] args)
    {
        var options = MeetingOptions.Parse(args);
        var scenario = options?.ToScenario();
        if (options is null || scenario is null)
        {
            Console.Error.WriteLine(MeetingOptions.Usage);
            return 2;
        }
        if (options.Dpdk && options.DpdkInterface is null)
            return await DpdkLoadNamespace.RunInsideAsync(args);
        // Issue 14: the subscribers' receive continuations run on the sockets engine's epoll thread instead of
        // a thread-pool hop each (a worker woken per datagram): the generator's receive lag and CPU both fell.
        // Read by the runtime when the first socket operation starts, so set before any; the server child is
        // started without it (MeetingServerProcess). --pool-receives keeps the hop.
        if (!options.PoolReceives)
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
        var output = options.Output ?? Path.Combine("results", "meeting", $"{scenario.Name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
        Directory.CreateDirectory(output);
        var machine = MachineDescription();
        Console.WriteLine($"meeting {scenario.Name}: {scenario.Description}");
        Console.WriteLine(FormattableString.Invariant(
            $"media: {scenario.Media.Describe()} (scale {scenario.Media.Scale:0.###}), keyframe every {scenario.Media.KeyframeSeconds:0.#} s, Opus {scenario.Media.AudioFrameBytes} B at {scenario.Media.AudioPacketsPerSecond:0.#} packets/s"));
        Console.WriteLine($"machine: {machine}");
        Console.WriteLine($"results: {Path.GetFullPath(output)}");

        var results = new List<StepResult>();
        async Task RunStepsAsync(Action<MeetingProgress> progress, Action<StepResult> done)
        {
            foreach (var step in scenario.Steps)
            {
                var result = await new MeetingRun(scenario, step, options, progress).RunAsync();
                results.Add(result);
                done(result);
            }
        }
        if (!options.Quiet && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive)
        {
            // A live table (Spectre.Console): one row per step, refreshed every second.
            await LiveDisplay.RunAsync(scenario, RunStepsAsync);
        }
        else
        {
            await RunStepsAsync(p =>
            {
                if (!options.Quiet)
                    Console.WriteLine(p);
            }, r => Console.WriteLine(Summary(r)));
        }

        var document = new
        {
            scenario = scenario.Name,
            description = scenario.Description,
            command = "meeting " + string.Join(' ', args),
            startedUtc = DateTime.UtcNow,
            machine,
            engine = "Sockets",
            signaling = options.Transport.ToString(),
            media = scenario.Media,
            steps = results,
        };
        await File.WriteAllTextAsync(Path.Combine(output, "results.json"), JsonSerializer.Serialize(document, Json));
        SvgPlot.WriteAll(output, results);
        var markdown = Markdown(scenario, options, args, machine, results);
        await File.WriteAllTextAsync(Path.Combine(output, "results.md"), markdown);
        Console.WriteLine();
        Console.WriteLine(markdown);
        return results.All(r => r.JoinFailures == 0 && r.SubscribersWithAnyMedia == r.Subscribers) ? 0 : 1;
    }

    private static string Summary(StepResult r) => FormattableString.Invariant(
        $"{r.Step}: {r.Joined}/{r.Participants} joined in {r.JoinAllSeconds:F1} s, {r.SubscribersWithAllMedia}/{r.Subscribers} subscribers with all media, out {r.PacketsOutPerSecond:N0} p/s, server {r.ServerCores:F2} cores = {r.ServerMicrosecondsPerForwardedPacket:F1} µs per forwarded packet, subscriber PC ≤ {r.SubscriberSectionsMax} m-sections after {r.SubscriberOffersMean:F1} offers on average, {(r.Subscribers == 0 ? 0 : r.MegabitsOutPerSecond * 1000 / r.Subscribers):F0} kbps received per subscriber, server {r.ServerCpuMsPerSubscriberSecond:F3} ms/s per subscriber net of idle") +
        (r.SpeakerChanges is { } sc ? FormattableString.Invariant($", speaker change -> first video packet p50 {sc.FirstPacketP50Ms:F0} / p95 {sc.FirstPacketP95Ms:F0} ms over {sc.Samples} switches") : "") +
        (r.ServerSpeakerChanges is { } server ? $", server decision -> keyframe sent {server.DecisionToKeyFrameSent}, onset -> decision {server.OnsetToDecision}" : "");

    private static string Markdown(MeetingScenario scenario, MeetingOptions options, string[] args, string machine, List<StepResult> results)
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine(inv, $"## meeting {scenario.Name}: {scenario.Description}");
        md.AppendLine();
        md.AppendLine(inv, $"`dotnet run -c Release --project Meet.Benchmarks -- meeting {string.Join(' ', args)}`");
        md.AppendLine();
        md.AppendLine(inv, $"Machine: {machine}. Engine: {(options.Dpdk ? "DPDK (net_af_packet over a veth)" : "sockets")}. Signaling: {options.Transport}. Media per camera: {scenario.Media.Describe()}, " +
            $"Opus {scenario.Media.AudioFrameBytes} B at {scenario.Media.AudioPacketsPerSecond:0.#}/s; rate scale factor {scenario.Media.Scale:0.###}; " +
            $"{options.Seconds} s measured per step.");
        md.AppendLine();
        md.AppendLine("| step | joined | subscribers with all media | packets/s in | packets/s out (received; server forwarded) | server cores (kernel share) | server µs per forwarded packet | CPU-s per M forwarded | latency p50 / p99 / p99.9 ms | join p50 / p99 ms (signaling) | publish p50 / p99 ms | subscriber PC up p50 / p99 ms | first media p50 / p99 ms | join all s | loss % | freezes | server KiB / participant | server threads (idle → loaded) | generator cores | load average |");
        md.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---:|", 19)));
        foreach (var r in results)
        {
            md.AppendLine(inv,
                $"| {r.Step} | {r.Joined}/{r.Participants} | {r.SubscribersWithAllMedia}/{r.Subscribers} | {r.PacketsInPerSecond:N0} | {r.PacketsOutPerSecond:N0}; {r.ServerRtpForwardedPerSecond:N0} | {r.ServerCores:F2} ({r.ServerKernelShare:P0}) | " +
                $"{r.ServerMicrosecondsPerForwardedPacket:F1} | {r.ServerCpuSecondsPerMillionForwarded:F1} | {r.LatencyP50Ms:F2} / {r.LatencyP99Ms:F2} / {r.LatencyP999Ms:F2} | " +
                $"{r.SignalingJoinP50Ms:F0} / {r.SignalingJoinP99Ms:F0} | {r.PublishP50Ms:F0} / {r.PublishP99Ms:F0} | {r.SubscriberConnectP50Ms:F0} / {r.SubscriberConnectP99Ms:F0} | {r.FirstMediaP50Ms:F0} / {r.FirstMediaP99Ms:F0} | {r.JoinAllSeconds:F1} | {r.LossPercent:F2} | {r.Freezes} | " +
                $"{r.ServerKibPerParticipant:F0} | {r.ServerBaselineThreads} → {r.ServerThreads} | {r.GeneratorCores:F2} | {r.LoadAverage:F1} |");
        }
        md.AppendLine();
        md.AppendLine(inv, $"Idle server before the joins: {results.Select(r => r.ServerIdleCores).DefaultIfEmpty().Average():F3} cores. Server µs per forwarded packet is gross (idle included), per RTP packet the server counted as forwarded (/metrics).");
        md.AppendLine("Over time: packets-out.svg, server-cpu.svg, latency-p99.svg, loss.svg in this folder.");
        foreach (var r in results.Where(r => r.ViewerVideosMax > 0))
        {
            md.AppendLine(inv, $"Per viewer ({r.Step}, LastN {r.LastN}): ≤ {r.ViewerSectionsMax} m-sections, {r.ViewerVideosMean:F1} videos on average (max {r.ViewerVideosMax}), " +
                $"downlink {r.ViewerKbpsMean:F0} kbps on average (max {r.ViewerKbpsMax:F0}), {r.SubscriberOffersMean:F1} subscriber offers per participant.");
        }
        md.AppendLine();
        md.AppendLine("One-way latency split (issue 14): generator send lag (payload stamp → send call returned) + server (engine arrival → the forwarded copy's send call returned, from its /metrics) + generator receive lag (kernel receive time at the subscriber's socket → its callback, after SRTP); percentiles do not add, each is its own distribution.");
        md.AppendLine();
        md.AppendLine("| step | one-way p50 / p99 / p99.9 ms | generator send lag p50 / p99 / p99.9 ms | server p50 / p99 / p99.9 ms | generator receive lag p50 / p99 / p99.9 ms | server samples | server GCs (pause ms) in the window |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            md.AppendLine(inv, $"| {r.Step} | {r.LatencyP50Ms:F2} / {r.LatencyP99Ms:F2} / {r.LatencyP999Ms:F2} | {r.SendLagP50Ms:F3} / {r.SendLagP99Ms:F3} / {r.SendLagP999Ms:F3} | " +
                $"{r.ServerLatencyP50Ms:F3} / {r.ServerLatencyP99Ms:F3} / {r.ServerLatencyP999Ms:F3} | {r.ReceiveLagP50Ms:F3} / {r.ReceiveLagP99Ms:F3} / {r.ReceiveLagP999Ms:F3} | {r.ServerLatencySamples:N0} | {r.ServerGcCollections:F0} ({r.ServerGcPauseMs:F1}) |");
        }
        md.AppendLine();
        foreach (var r in results)
        {
            md.AppendLine(inv, $"Server work ({r.Step}, net of idle): {r.ServerCpuMsPerSubscriberSecond:F3} ms of CPU per second per subscriber, " +
                $"{r.ForwardedPerSubscriberPerSecond:F1} RTP packets forwarded per second per subscriber, {r.ServerNetMicrosecondsPerForwardedPacket:F1} µs per forwarded packet; " +
                $"{r.ServerPacketsPerSendCall:F2} datagrams per send call, {r.ServerPacketsPerSendMessage:F2} per kernel message (GSO).");
            if (r.SpeakerChanges is { } sc)
            {
                md.AppendLine(inv, $"Speaker changes ({r.Step}): {sc.Turns} turns of {sc.TurnSeconds:0.#} s ({sc.TalkSpurtSeconds:0.#} s of speech each); " +
                    $"{sc.Samples} viewer switches (+ {sc.AlreadyInView} where the talker was already in view): talk start -> first video packet of the new speaker " +
                    $"p50 {sc.FirstPacketP50Ms:F0} / p95 {sc.FirstPacketP95Ms:F0} / max {sc.FirstPacketMaxMs:F0} ms; -> complete keyframe ({sc.KeyframeSamples}) " +
                    $"p50 {sc.KeyframeP50Ms:F0} / p95 {sc.KeyframeP95Ms:F0} ms; -> speaker announced over signaling ({sc.AnnouncedSamples}) p50 {sc.AnnouncedP50Ms:F0} / p95 {sc.AnnouncedP95Ms:F0} ms.");
            }
            if (r.ServerSpeakerChanges is { } server)
            {
                md.AppendLine(inv, $"Speaker changes on the server's clock ({r.Step}): {server.Changes} changes matched to turns ({server.Unmatched} others); " +
                    $"talk start -> voice onset at the SFU {server.TalkToOnset}; onset -> decision {server.OnsetToDecision}; " +
                    $"**decision -> first keyframe packet sent, per switching viewer {server.DecisionToKeyFrameSent}**, max {server.DecisionToKeyFrameSent.Max:F0} ms " +
                    $"(decision -> selection applied {server.DecisionToApplied}; decision -> PLI to the camera {server.DecisionToPli}; PLI -> camera's keyframe at the SFU {server.PliToKeyFrame}; keyframe -> sent to the viewer {server.KeyFrameToSent}); " +
                    $"onset -> keyframe sent {server.OnsetToKeyFrameSent}; keyframe sent -> read by the viewer (loopback + generator lag) {server.SentToViewerArrival}; " +
                    $"{server.AlreadyForwarding} viewers already had the speaker, {server.NotStarted} got no keyframe within the trace.");
            }
            md.AppendLine(inv, $"Joins ({r.Step}): {r.JoinAllSeconds:F1} s for {r.Participants}; CPU per join: server {r.ServerCpuMsPerJoin:F1} ms, generator {r.GeneratorCpuMsPerJoin:F1} ms; " +
                $"server + generator got {r.JoinCoresUsed:F2} cores during the joins.");
            var f = r.SubscriberFeedback;
            md.AppendLine(inv, $"Subscriber feedback ({r.Step}, window): {f.ReceiverReports:N0} RTCP reports, {f.TransportFeedback:N0} transport-cc feedback packets, " +
                $"{f.NackedSequences:N0} sequence numbers NACKed (server counted {r.ServerNacksReceived:N0}, retransmitted {r.ServerRtpRetransmitted:N0}), " +
                $"{f.Retransmissions:N0} RTX received, {f.GapsRecovered:N0} gaps recovered, {f.GapsGivenUp:N0} given up.");
        }
        foreach (var r in results.Where(r => r.ChurnJoined > 0))
            md.AppendLine(inv, $"Churn ({r.Step}): {r.ChurnLeft} left, {r.ChurnJoined} joined during the window, {r.ChurnJoinedWithMedia} of them received all media.");
        foreach (var r in results.Where(r => r.JoinFailures > 0))
            md.AppendLine(inv, $"Join failures ({r.Step}): {r.JoinFailures}, e.g. {string.Join("; ", r.FailureSamples)}");
        return md.ToString();
    }

    internal static string MachineDescription()
    {
        var model = "";
        try
        {
            model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "";
        }
        catch (IOException)
        {
        }
        return $"{Environment.ProcessorCount} cores{(model.Length > 0 ? ", " + model : "")}, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    }
}
