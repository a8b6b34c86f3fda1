using System.Collections.Concurrent;
using System.Net;
using Meet.Modules.Media.Mixing;
using Meet.Modules.Media.Protocols.Dtls;
using Meet.Modules.Media.Routing;
using Meet.Modules.Media.Transport;
using Meet.PacketEngine;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Meet.Modules.Media.Internal;

// The SFU: routers per meeting, the shared media port and its demultiplexer. Each meeting's control
// plane (participants, SDP, selection) serialises on its router's lock; this module's own lock only
// guards the two directories below, and is never held while taking a router's. The packet path
// only reads concurrent tables and copy-on-write arrays.
internal sealed partial class MediaModule : IMediaModule, ITransportRegistry, IAsyncDisposable
{
    private readonly Lock _directory = new();
    private readonly Dictionary<string, Router> _routers = new(StringComparer.Ordinal);
    private readonly Dictionary<(string MeetingId, string ParticipantId), MediaParticipant> _participants = [];
    private readonly ConcurrentDictionary<ulong, WebRtcTransport> _byUfrag = new();
    private readonly ConcurrentDictionary<PacketAddress, WebRtcTransport> _byAddress = new();
    private readonly TimeProvider _time;
    private ITimer? _timer;
    private int _ticks;
    private readonly TickGate _tickGate = new();
    private readonly long _startedAt;
    private int _nextId;

    public MediaModule(string publicIp, TimeProvider time, TimeSpan? subscriberAnswerTimeout = null, int lastN = 12, bool boundedSlots = false,
        int maxScreenShares = 1, AudioMode audioMode = AudioMode.Forward, int mixerThreads = 0, ILogger? logger = null)
    {
        MaxScreenShares = maxScreenShares;
        LastN = lastN;
        BoundedSlots = boundedSlots;
        DefaultAudioMode = audioMode;
        SubscriberAnswerTimeout = subscriberAnswerTimeout ?? TimeSpan.FromSeconds(5);
        if (!IPAddress.TryParse(publicIp, out _))
            throw new ArgumentException($"Node:PublicIp must be an IP address (was '{publicIp}').", nameof(publicIp));
        PublicIp = publicIp;
        _time = time;
        _startedAt = time.GetTimestamp();
        Counters = new MediaCounters();
        Sender = new MediaSender(Counters);
        Mixers = new AudioMixerScheduler(Sender, logger ?? NullLogger.Instance,
            mixerThreads > 0 ? mixerThreads : Math.Max(1, Environment.ProcessorCount / 2));
        // One certificate per process (RFC 8827 §6.5 allows reuse); its fingerprint goes in every SDP.
        Certificate = DtlsCertificate.CreateSelfSigned(time.GetUtcNow(), TimeSpan.FromDays(30));
    }

    public TimeSpan SubscriberAnswerTimeout { get; }

    public static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(100);

    // Issue 10: the meeting's selection (the dominant speaker above all) runs twice per tick, so a
    // speaker change is decided within 50 ms of the speech it needs; the rest of the tick's work does not.
    public static readonly TimeSpan SelectionInterval = SpeakerActivity.Resolution;

    public int LastN { get; }

    // Media:NackRttLimit (issue 11): above this subscriber RTT, NACKs get a keyframe instead of RTX.
    public TimeSpan NackRttLimit { get; init; } = TimeSpan.FromMilliseconds(150);

    // Media:ProbeMaxBitrate (issue 11): the most a probe cluster sends to one subscriber.
    public long ProbeMaxBitrate { get; init; } = 5_000_000;

    // Paces the probe clusters' padding between the 100 ms ticks.
    public ProbePacer Probes => _probes ??= new ProbePacer(Sender, _time);

    private ProbePacer? _probes;

    // Media:QualityLossThreshold (percent) and Media:QualityWindow (issue 11): when a PACKET_LOSS_ALERT is logged.
    public double QualityLossThreshold { get; init; } = 5;

    public TimeSpan QualityWindow { get; init; } = TimeSpan.FromSeconds(5);

    // Issue 11: quality events on their way to participant_quality_logs (QualityLogWriter).
    public QualityLogQueue QualityLog { get; } = new();

    // Media:DynacastPauseDelay (issue 11): zero = dynacast off.
    public TimeSpan DynacastPauseDelay { get; init; } = TimeSpan.FromSeconds(3);

    public bool BoundedSlots { get; }

    // Screen shares at once per meeting (Media:MaxScreenShares); one more is refused with 409.
    public int MaxScreenShares { get; }

    // Media:AudioMode, for a meeting whose request names none.
    public AudioMode DefaultAudioMode { get; }

    // The mixing meetings' clock and worker pool (issue 17); its threads start with the first one.
    public AudioMixerScheduler Mixers { get; }

    public MixerCounters MixerCounters { get; } = new();

    public ConferenceCounters ConferenceCounters { get; } = new();

    // Every meeting's last speaker changes on the server's clock (issue 10 "Measure"; a diagnostic).
    public SpeakerChangeTimeline SpeakerChanges { get; } = new();

    public NegotiationCounters NegotiationCounters { get; } = new();

    public MediaCounters Counters { get; }

    public MediaSender Sender { get; }

    public DtlsCertificate Certificate { get; }

    public string PublicIp { get; }

    public TimeProvider Time => _time;

    public IPacketChannel? Channel => Sender.Channel;

    // The port announced in candidates: the one actually bound (Media:UdpPort 0 = any free port).
    public int Port => Sender.Channel?.LocalAddress.Port ?? 0;

    // The ICE-TCP listener's port (the UDP port's number), 0 when there is none.
    public int TcpPort => Sender.TcpChannel?.LocalAddress.Port ?? 0;

    // Binds the UDP media port and, when iceTcp, a passive ICE-TCP listener (RFC 6544, RFC 4571
    // framing) on the same port number. A backend without TCP (DPDK) or a taken TCP port leaves the
    // SFU UDP-only: the error is returned for the caller to log, not thrown.
    // bindAddress: null = every interface.
    public Exception? Start(IPacketEngine engine, int udpPort, bool iceTcp = false, IPAddress? bindAddress = null)
    {
        var receiver = new MediaPacketReceiver(this);
        var channel = engine.Bind(PacketAddress.FromEndPoint(new IPEndPoint(bindAddress ?? IPAddress.Any, udpPort)), PacketProtocol.Udp, receiver);
        Sender.Channel = channel;
        Exception? tcpError = null;
        if (iceTcp)
        {
            try
            {
                Sender.TcpChannel = engine.Bind(PacketAddress.FromEndPoint(new IPEndPoint(bindAddress ?? IPAddress.Any, channel.LocalAddress.Port)),
                    PacketProtocol.IceTcp, new IceTcpPacketReceiver(this, receiver));
            }
            catch (Exception ex) when (ex is PacketEngineException or NotSupportedException or System.Net.Sockets.SocketException)
            {
                tcpError = ex;
            }
        }
        _timer = _time.CreateTimer(static s => ((MediaModule)s!).OnTick(), this, SelectionInterval, SelectionInterval);
        return tcpError;
    }

    public string NextId(string prefix) => prefix + Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public IMediaParticipant AddParticipant(MediaParticipantRequest request, IMediaParticipantListener listener)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentException.ThrowIfNullOrEmpty(request.MeetingId);
        ArgumentException.ThrowIfNullOrEmpty(request.ParticipantId);

        MediaParticipant? previous;
        lock (_directory)
            previous = _participants.GetValueOrDefault((request.MeetingId, request.ParticipantId));
        // A participant that rejoins (e.g. after a reconnect) replaces its old media.
        previous?.DisposeAsync().AsTask().GetAwaiter().GetResult();

        while (true)
        {
            Router router;
            lock (_directory)
            {
                if (!_routers.TryGetValue(request.MeetingId, out router!))
                {
                    router = new Router(request.MeetingId, LastN, Sender, ConferenceCounters, BoundedSlots, CreateMixer(request), MaxScreenShares)
                    {
                        DynacastPauseDelay = Producer.ToTicks(DynacastPauseDelay),
                        SpeakerTimeline = SpeakerChanges,
                    };
                    _routers.Add(request.MeetingId, router);
                }
            }
            // Leaving the scope sends the new consumers' keyframe requests and the subscriber offer.
            using (router.Enter())
            {
                // The meeting's last participant left between the lookup and here: use a fresh router.
                if (router.IsClosed)
                    continue;
                var participant = new MediaParticipant(this, router, request, listener);
                lock (_directory)
                    _participants[(request.MeetingId, request.ParticipantId)] = participant;
                participant.Member = router.Join(request.ParticipantId, participant.Publisher, participant.Subscriber, participant, Counters);
                return participant;
            }
        }
    }

    // A mixing meeting's mixer, on the scheduler's clock from now on; null for a forwarding meeting.
    private AudioMixer? CreateMixer(MediaParticipantRequest request)
    {
        if ((request.AudioMode ?? DefaultAudioMode) != AudioMode.Mix)
            return null;
        var mixer = new AudioMixer(request.MeetingId, MixerCounters);
        Mixers.Add(mixer);
        return mixer;
    }

    public int PausedConsumers()
    {
        var count = 0;
        foreach (var router in SnapshotRouters())
        {
            using (router.Enter())
                count += router.Members.Sum(m => m.Subscribing.Consumers.Count(c => c.IsPaused));
        }
        return count;
    }

    // The meeting's current selection (tests, metrics); null when the meeting has no media.
    public ConferenceSelection? FindSelection(string meetingId)
    {
        lock (_directory)
            return _routers.TryGetValue(meetingId, out var router) ? router.Selection : null;
    }

    public Router? FindRouter(string meetingId)
    {
        lock (_directory)
            return _routers.GetValueOrDefault(meetingId);
    }

    // A participant left (called under its router's lock; the directory lock nests inside it).
    public void Forget(MediaParticipant participant)
    {
        var router = participant.Router;
        lock (_directory)
        {
            var key = (router.MeetingId, participant.ParticipantId);
            if (_participants.TryGetValue(key, out var current) && current == participant)
                _participants.Remove(key);
            if (router.IsClosed && _routers.TryGetValue(router.MeetingId, out var registered) && registered == router)
                _routers.Remove(router.MeetingId);
        }
    }

    private Router[] SnapshotRouters()
    {
        lock (_directory)
            return [.. _routers.Values];
    }

    public MediaResourceCounts GetResourceCounts()
    {
        int meetings = 0, participants = 0, transports = 0, producers = 0, consumers = 0;
        foreach (var router in SnapshotRouters())
        {
            using (router.Enter())
            {
                if (router.IsClosed)
                    continue;
                meetings++;
                foreach (var member in router.Members)
                {
                    participants++;
                    transports += 2;
                    producers += member.Publishing.Producers.Count();
                    consumers += member.Subscribing.ConsumerCount;
                }
            }
        }
        return new MediaResourceCounts(meetings, participants, transports, producers, consumers);
    }

    public void RegisterUfrag(ulong ufragKey, WebRtcTransport transport) => _byUfrag[ufragKey] = transport;

    public void UnregisterUfrag(ulong ufragKey, WebRtcTransport transport) =>
        _byUfrag.TryRemove(new KeyValuePair<ulong, WebRtcTransport>(ufragKey, transport));

    public void RegisterAddress(in PacketAddress address, WebRtcTransport transport) => _byAddress[address] = transport;

    public void UnregisterAddress(in PacketAddress address, WebRtcTransport transport)
    {
        if (_byAddress.TryRemove(new KeyValuePair<PacketAddress, WebRtcTransport>(address, transport)))
            Sender.RemoveTcpPeer(address);
    }

    public bool TryGetByUfrag(ulong key, out WebRtcTransport transport) => _byUfrag.TryGetValue(key, out transport!);

    public bool TryGetByAddress(in PacketAddress address, out WebRtcTransport transport) => _byAddress.TryGetValue(address, out transport!);

    // Ticks skipped because the previous one was still running (meet.media.ticks.skipped).
    public long TicksSkipped => _tickGate.Skipped;

    private void OnTick()
    {
        if (!_tickGate.TryEnter())
            return;
        try
        {
            Tick();
        }
        finally
        {
            _tickGate.Exit();
        }
    }

    private void Tick()
    {
        var tick = Interlocked.Increment(ref _ticks);
        // The selection (speaker, last-N, top-3) every SelectionInterval; everything else every other
        // time, at TickInterval. RTCP reports about once a second (RFC 3550 §6.2 leaves the interval to
        // the application; WebRTC uses ~1 s for video).
        var ticksPerFull = (int)(TickInterval / SelectionInterval);
        var full = tick % ticksPerFull == 0;
        var reports = tick % (10 * ticksPerFull) == 0;
        var clock = _time.GetElapsedTime(_startedAt);
        foreach (var router in SnapshotRouters())
        {
            // Leaving the scope sends the tick's PLIs and reports and announces a speaker change.
            using (router.Enter())
            {
                if (!router.IsClosed)
                    router.Tick(SelectionInterval, reports, clock, full);
            }
        }
        if (!full)
            return;
        MediaParticipant[] participants;
        lock (_directory)
            participants = [.. _participants.Values];
        foreach (var participant in participants)
        {
            try
            {
                participant.OnTick(reports);
            }
            catch (ObjectDisposedException)
            {
                // The participant left while the tick ran.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _probes?.Dispose();
        MediaParticipant[] participants;
        lock (_directory)
            participants = [.. _participants.Values];
        foreach (var participant in participants)
            await participant.DisposeAsync().ConfigureAwait(false);
        if (_timer is not null)
            await _timer.DisposeAsync().ConfigureAwait(false);
        // Routers closed their mixers as their last member left; the clock and workers stop here.
        Mixers.Dispose();
        var channel = Sender.Channel;
        var tcp = Sender.TcpChannel;
        Sender.Channel = null;
        Sender.TcpChannel = null;
        if (tcp is not null)
            await tcp.DisposeAsync().ConfigureAwait(false);
        if (channel is not null)
            await channel.DisposeAsync().ConfigureAwait(false);
    }
}
