using System.Globalization;
using Meet.Modules.Client;

namespace Meet.Benchmarks.Meeting;

internal sealed class MeetingOptions
{
    public const string Usage = """
        usage: meeting <fanout|seed-100|seed-1000|small-meetings|churn|smoke> [options]
          --sizes 10,50,100      fanout: subscriber counts swept; seed-1000: meeting sizes swept, a tenth
                                 of them cameras (e.g. --sizes 100,1000; one server per step)
          --meetings N --size N  small-meetings: N meetings of N cameras (default 50 x 4)
          --cameras N --viewers N --microphones N   override the scenario's participants
          --churn-rate R         churn: participants replaced per second (default 2)
          --seconds N            measured window per step (default 10)
          --warmup N             seconds of media before the window (default 2)
          --settle N             longest wait for every subscriber's first media (default 30)
          --single-layer         cameras send one VP8 stream at --video-kbps instead of the seed's three
                                 simulcast layers (180p 150 kbps 15 fps, 360p 500 kbps 24 fps, 720p 1.5 Mbps 30 fps)
          --video-kbps N         single-layer camera bitrate before scaling (default 500: the 360p layer)
          --scale F              packet-rate factor (frame rate, audio rate), recorded (default 1)
          --keyframe-seconds N   keyframe interval (default 2)
          --receive-loss P       every subscriber drops P % of the RTP it receives (downlink loss: NACK/RTX run)
          --talkers              microphone-only participants send audio too (default: muted)
          --transport grpc|signalr  signaling transport (default grpc)
          --join-concurrency N   joins in flight (default 8)
          --publishers-one-by-one  a meeting's publishers join one after another (default: all at once)
          --media-after-joins    cameras start sending only once everyone joined: CPU per join is then the
                                 joins' own (no forwarding to the viewers joined so far)
          --out DIR              results folder (default results/meeting/<scenario>-<utc time>)
          --quiet                no progress (the summary and the table only)
          --pool-receives        subscribers' receives continue on the thread pool (default: inline on the epoll thread)
          --engine sockets|dpdk  the server's packet engine (default sockets). dpdk: the whole run moves into
                                 a network namespace it creates (root): a veth pair, DPDK's net_af_packet on
                                 one end, the participants' sockets on the other (10.77.0.1 -> 10.77.0.2)
          --bounded-slots        server with Media:BoundedSlots=true (the default: LastN + speaker + 3 audio m-sections per viewer)
          --per-track            server with Media:BoundedSlots=false (an m-section per published track)
          --last-n N             server's Media:LastN (default: the server's, 12)
          --speaker-turns S      cameras take turns talking, one every S seconds (a talk spurt of voiced audio at
                                 the unscaled 50 packets/s, then silence); viewers record talk start -> first
                                 video packet / complete keyframe of the new speaker (default 3 for seed-1000,
                                 else 0 = off: fixed audio levels)
          --talk-spurt S         seconds each talker talks (default 1.5)
          --server-option K=V    extra server configuration, e.g. Media:GroupSendsByDestination=false (repeatable)
        """;

    public string Scenario { get; set; } = "";
    public int[] Sizes { get; set; } = [10, 25, 50, 100];
    public bool SizesGiven { get; set; }
    public int Meetings { get; set; } = 50;
    public int Size { get; set; } = 4;
    public int? Cameras { get; set; }
    public int? Viewers { get; set; }
    public int? Microphones { get; set; }
    public double ChurnRate { get; set; } = 2;
    public int Seconds { get; set; } = 10;
    public int Settle { get; set; } = 30;
    public int Warmup { get; set; } = 2;
    public int? VideoKbps { get; set; }
    public double? Scale { get; set; }
    public double KeyframeSeconds { get; set; } = 2;
    public bool Talkers { get; set; }
    public bool SingleLayer { get; set; }
    public double ReceiveLossPercent { get; set; }
    public SignalingTransport Transport { get; set; } = SignalingTransport.Grpc;
    public int JoinConcurrency { get; set; } = 8;
    public bool PublishersTogether { get; set; } = true;
    public bool MediaAfterJoins { get; set; }
    public string? Output { get; set; }
    public bool Quiet { get; set; }

    // Issue 14: keep the thread-pool hop per received datagram (the runtime's default) instead of inline completions.
    public bool PoolReceives { get; set; }

    public bool BoundedSlots { get; set; } = true;

    public bool Dpdk { get; set; }

    // Inside the namespace DpdkLoadNamespace made: the veth end DPDK's af_packet port opens.
    public string? DpdkInterface { get; set; }

    public int? LastN { get; set; }

    public double? SpeakerTurnSeconds { get; set; }

    public double TalkSpurtSeconds { get; set; } = 1.5;

    public List<string> ServerOptions { get; } = [];

    // Speaker turns are on by default in the seed's 1,000 (issue 10 measures speaker changes inside it).
    public double EffectiveSpeakerTurnSeconds => SpeakerTurnSeconds ?? (Scenario == "seed-1000" ? 3 : 0);

    // The Media:LastN the child server runs with: --last-n, else the server's own default.
    public int ServerLastN => LastN ?? new Meet.Modules.Media.MediaOptions().LastN;

    // What the child server is started with beyond its defaults.
    public IEnumerable<string> ServerArguments()
    {
        yield return BoundedSlots ? "--Media:BoundedSlots=true" : "--Media:BoundedSlots=false";
        if (Dpdk && DpdkInterface is { } iface)
        {
            foreach (var argument in DpdkLoadNamespace.ServerArguments(iface))
                yield return argument;
        }
        if (LastN is { } lastN)
            yield return "--Media:LastN=" + lastN.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var option in ServerOptions)
            yield return "--" + option;
    }

    public static MeetingOptions? Parse(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
            return null;
        var options = new MeetingOptions { Scenario = args[0] };
        for (var i = 1; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            var ok = true;
            switch (args[i])
            {
                case "--sizes": ok = TryInts(value, out var sizes); options.Sizes = sizes; options.SizesGiven = true; i++; break;
                case "--meetings": ok = TryInt(value, out var m); options.Meetings = m; i++; break;
                case "--size": ok = TryInt(value, out var s); options.Size = s; i++; break;
                case "--cameras": ok = TryInt(value, out var c, 0); options.Cameras = c; i++; break;
                case "--viewers": ok = TryInt(value, out var v, 0); options.Viewers = v; i++; break;
                case "--microphones": ok = TryInt(value, out var mic, 0); options.Microphones = mic; i++; break;
                case "--churn-rate": ok = TryDouble(value, out var r); options.ChurnRate = r; i++; break;
                case "--seconds": ok = TryInt(value, out var sec); options.Seconds = sec; i++; break;
                case "--warmup": ok = TryInt(value, out var warmup, 0); options.Warmup = warmup; i++; break;
                case "--settle": ok = TryInt(value, out var settle); options.Settle = settle; i++; break;
                case "--video-kbps": ok = TryInt(value, out var kbps); options.VideoKbps = kbps; i++; break;
                case "--scale": ok = TryDouble(value, out var scale) && scale <= 10; options.Scale = scale; i++; break;
                case "--keyframe-seconds": ok = TryDouble(value, out var k); options.KeyframeSeconds = k; i++; break;
                case "--talkers": options.Talkers = true; break;
                case "--single-layer": options.SingleLayer = true; break;
                case "--receive-loss": ok = TryDouble(value, out var loss) && loss < 100; options.ReceiveLossPercent = loss; i++; break;
                case "--publishers-together": options.PublishersTogether = true; break;
                case "--publishers-one-by-one": options.PublishersTogether = false; break;
                case "--media-after-joins": options.MediaAfterJoins = true; break;
                case "--quiet": options.Quiet = true; break;
                case "--pool-receives": options.PoolReceives = true; break;
                case "--bounded-slots": options.BoundedSlots = true; break;
                case "--per-track": options.BoundedSlots = false; break;
                case "--engine" when value is "sockets": options.Dpdk = false; i++; break;
                case "--engine" when value is "dpdk": options.Dpdk = true; i++; break;
                case "--dpdk-interface" when value is not null: options.DpdkInterface = value; i++; break;
                case "--last-n": ok = TryInt(value, out var lastN); options.LastN = lastN; i++; break;
                case "--speaker-turns": ok = TryDouble(value, out var turns) || value == "0"; options.SpeakerTurnSeconds = turns; i++; break;
                case "--talk-spurt": ok = TryDouble(value, out var spurt); options.TalkSpurtSeconds = spurt; i++; break;
                case "--server-option" when value is not null && value.Contains('=', StringComparison.Ordinal) && !value.StartsWith('-'):
                    options.ServerOptions.Add(value); i++; break;
                case "--transport" when value is "grpc": options.Transport = SignalingTransport.Grpc; i++; break;
                case "--transport" when value is "signalr": options.Transport = SignalingTransport.SignalR; i++; break;
                case "--join-concurrency": ok = TryInt(value, out var jc); options.JoinConcurrency = jc; i++; break;
                case "--out" when value is not null: options.Output = value; i++; break;
                default: ok = false; break;
            }
            if (!ok)
                return null;
        }
        return options;
    }

    // The scenarios of issue 14. Bitrates are the seed's (500 kbps: the 360p simulcast layer a grid tile
    // gets) unless --video-kbps / --scale change them; the factor is recorded with the results.
    public MeetingScenario? ToScenario()
    {
        MediaProfile Media(int kbps, double scale) => new(VideoKbps ?? kbps, Scale ?? scale, KeyframeSeconds, 80, Talkers, SingleLayer);
        return Scenario switch
        {
            "fanout" => new MeetingScenario("fanout", "1 camera -> N viewers, N swept",
                [.. Sizes.Select(n => new MeetingStep($"1 -> {n}", 1, Cameras ?? 1, Microphones ?? 0, n))], Media(500, 1)),
            "seed-100" => new MeetingScenario("seed-100", "one meeting: 20 cameras, 80 audio-only (muted unless --talkers), packet rates scaled to fit",
                [new MeetingStep("seed-100", 1, Cameras ?? 20, Microphones ?? 80, Viewers ?? 0)], Media(500, 0.1)),
            // The seed's 1,000: 100 cameras and 900 viewers; last-N and bounded slots keep each viewer at
            // LastN videos (issue 10), so the forwarded streams grow with viewers × N, not viewers × 100.
            // --sizes sweeps the meeting size with the same shape (a tenth cameras), so per-viewer numbers at
            // 100 and 1,000 come from one run.
            "seed-1000" => new MeetingScenario("seed-1000", "one meeting of 1,000: 100 cameras + 900 viewers, packet rates scaled to fit",
                SizesGiven
                    ? [.. Sizes.Select(n => new MeetingStep($"{n} ({n / 10} cameras)", 1, n / 10, 0, n - n / 10))]
                    : [new MeetingStep("seed-1000", 1, Cameras ?? 100, Microphones ?? 0, Viewers ?? 900)], Media(500, 0.05)),
            "small-meetings" => new MeetingScenario("small-meetings", $"{Meetings} meetings x {Size} cameras",
                [new MeetingStep($"{Meetings} x {Size}", Meetings, Cameras ?? Size, Microphones ?? 0, Viewers ?? 0)], Media(500, 1)),
            "churn" => new MeetingScenario("churn", $"1 camera -> viewers, {ChurnRate.ToString(CultureInfo.InvariantCulture)} viewers replaced per second",
                [new MeetingStep("churn", 1, Cameras ?? 1, Microphones ?? 0, Viewers ?? 50, ChurnRate)], Media(500, 1)),
            "smoke" => new MeetingScenario("smoke", "a handful of participants for a few seconds (the test suite's run)",
                [new MeetingStep("smoke", 1, Cameras ?? 2, Microphones ?? 0, Viewers ?? 3)], Media(300, 1)),
            _ => null,
        };
    }

    private static bool TryInt(string? value, out int result, int minimum = 1) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out result) && result >= minimum;

    private static bool TryDouble(string? value, out double result) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out result) && result > 0;

    private static bool TryInts(string? value, out int[] result)
    {
        result = [];
        if (value is null)
            return false;
        var parts = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var parsed = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!TryInt(parts[i], out parsed[i]))
                return false;
        }
        result = parsed;
        return parsed.Length > 0;
    }
}
