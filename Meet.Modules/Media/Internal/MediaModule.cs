using System.Collections.Concurrent;
using System.Net;
using Meet.Modules.Media.Protocols.Dtls;
using Meet.Modules.Media.Routing;
using Meet.Modules.Media.Transport;
using Meet.PacketEngine;

namespace Meet.Modules.Media.Internal;

// The SFU: routers per meeting, the shared media port and its demultiplexer. Control-plane calls
// (participants, SDP) serialise on Control; the packet path only reads concurrent tables and
// copy-on-write arrays.
internal sealed partial class MediaModule : IMediaModule, ITransportRegistry, IAsyncDisposable
{
    private readonly Dictionary<string, Router> _routers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ulong, WebRtcTransport> _byUfrag = new();
    private readonly ConcurrentDictionary<PacketAddress, WebRtcTransport> _byAddress = new();
    private readonly TimeProvider _time;
    private ITimer? _timer;
    private int _ticks;
    private int _nextId;

    public MediaModule(string publicIp, TimeProvider time, TimeSpan? subscriberAnswerTimeout = null, int lastN = 12)
    {
        LastN = lastN;
        SubscriberAnswerTimeout = subscriberAnswerTimeout ?? TimeSpan.FromSeconds(5);
        if (!IPAddress.TryParse(publicIp, out _))
            throw new ArgumentException($"Node:PublicIp must be an IP address (was '{publicIp}').", nameof(publicIp));
        PublicIp = publicIp;
        _time = time;
        Counters = new MediaCounters();
        Sender = new MediaSender(Counters);
        // One certificate per process (RFC 8827 §6.5 allows reuse); its fingerprint goes in every SDP.
        Certificate = DtlsCertificate.CreateSelfSigned(time.GetUtcNow(), TimeSpan.FromDays(30));
    }

    public Lock Control { get; } = new();

    public TimeSpan SubscriberAnswerTimeout { get; }

    public static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(100);

    public int LastN { get; }

    // Media:NackRttLimit (issue 11): above this subscriber RTT, NACKs get a keyframe instead of RTX.
    public TimeSpan NackRttLimit { get; init; } = TimeSpan.FromMilliseconds(150);

    public ConferenceCounters ConferenceCounters { get; } = new();

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
    public Exception? Start(IPacketEngine engine, int udpPort, bool iceTcp = false)
    {
        var receiver = new MediaPacketReceiver(this);
        var channel = engine.Bind(PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.Any, udpPort)), PacketProtocol.Udp, receiver);
        Sender.Channel = channel;
        Exception? tcpError = null;
        if (iceTcp)
        {
            try
            {
                Sender.TcpChannel = engine.Bind(PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.Any, channel.LocalAddress.Port)),
                    PacketProtocol.IceTcp, new IceTcpPacketReceiver(this, receiver));
            }
            catch (Exception ex) when (ex is PacketEngineException or NotSupportedException or System.Net.Sockets.SocketException)
            {
                tcpError = ex;
            }
        }
        _timer = _time.CreateTimer(static s => ((MediaModule)s!).OnTick(), this, TimeSpan.FromMilliseconds(100),
            TimeSpan.FromMilliseconds(100));
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
        lock (Control)
        {
            previous = _routers.TryGetValue(request.MeetingId, out var r)
                ? r.Participants.FirstOrDefault(p => p.ParticipantId == request.ParticipantId)
                : null;
        }
        // A participant that rejoins (e.g. after a reconnect) replaces its old media.
        previous?.DisposeAsync().AsTask().GetAwaiter().GetResult();

        MediaParticipant participant;
        lock (Control)
        {
            if (!_routers.TryGetValue(request.MeetingId, out var router))
            {
                router = new Router(request.MeetingId, LastN);
                _routers.Add(request.MeetingId, router);
            }
            participant = new MediaParticipant(this, router, request, listener);
            router.Participants.Add(participant);
            foreach (var other in router.Participants)
            {
                if (other == participant)
                    continue;
                foreach (var producer in other.Producers)
                    participant.AddConsumerLocked(producer);
            }
        }
        participant.DeliverSubscriberOffer();
        // Keyframe requests for the new consumers were written into this thread's send batch.
        Sender.Flush();
        return participant;
    }

    public int PausedConsumers()
    {
        lock (Control)
            return _routers.Values.SelectMany(r => r.Participants).SelectMany(p => p.Consumers).Count(c => c.IsPaused);
    }

    // The meeting's current selection (tests, metrics); null when the meeting has no media.
    public ConferenceSelection? FindSelection(string meetingId)
    {
        lock (Control)
            return _routers.TryGetValue(meetingId, out var router) ? router.Selection : null;
    }

    // Called by a participant leaving, under Control.
    public void RemoveParticipantLocked(MediaParticipant participant)
    {
        var router = participant.Router;
        router.Participants.Remove(participant);
        if (router.Participants.Count == 0)
            _routers.Remove(router.MeetingId);
    }

    public MediaResourceCounts GetResourceCounts()
    {
        lock (Control)
        {
            int participants = 0, transports = 0, producers = 0, consumers = 0;
            foreach (var router in _routers.Values)
            {
                foreach (var p in router.Participants)
                {
                    participants++;
                    transports += p.TransportCount;
                    producers += p.Producers.Count();
                    consumers += p.ConsumerCount;
                }
            }
            return new MediaResourceCounts(_routers.Count, participants, transports, producers, consumers);
        }
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

    private void OnTick()
    {
        MediaParticipant[] participants;
        List<(MediaParticipant[] Members, ActiveSpeakerUpdate Update)> announcements = [];
        lock (Control)
        {
            participants = _routers.Values.SelectMany(r => r.Participants).ToArray();
            foreach (var router in _routers.Values)
            {
                if (SelectLocked(router, out var speakerChanged) && speakerChanged)
                    announcements.Add(([.. router.Participants], new ActiveSpeakerUpdate(router.Selection.DominantSpeaker, router.Selection.RecentSpeakers)));
            }
        }
        foreach (var (members, update) in announcements)
        {
            foreach (var member in members)
                member.NotifyActiveSpeaker(update);
        }
        var tick = Interlocked.Increment(ref _ticks);
        // RTCP reports about once a second (RFC 3550 §6.2 leaves the interval to the application;
        // WebRTC uses ~1 s for video).
        var reports = tick % 10 == 0;
        foreach (var participant in participants)
        {
            try
            {
                participant.OnTick(reports, Sender);
            }
            catch (ObjectDisposedException)
            {
                // The participant left while the tick ran.
            }
        }
        Sender.Flush();
    }

    // The meeting's selection for this tick (once per meeting, not per packet or subscriber), applied
    // to every subscriber's consumers when it changed.
    internal bool SelectLocked(Router router, out bool speakerChanged)
    {
        var activity = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var participant in router.Participants)
        {
            var voice = participant.TakeVoiceActivity(TickInterval);
            if (voice > 0)
                activity[participant.ParticipantId] = voice;
        }
        if (!router.Selector.Tick(Publishers(router), activity, out speakerChanged))
            return false;
        ApplyLocked(router, speakerChanged);
        return true;
    }

    // Producers were added or closed: the selection is recomputed (no new activity) and applied now.
    internal void ReselectLocked(Router router)
    {
        if (router.Selector.Refresh(Publishers(router)))
            ApplyLocked(router, speakerChanged: false);
    }

    private static (string, bool, bool)[] Publishers(Router router) =>
        router.Participants.Select(p => (p.ParticipantId, p.PublishesVideo, p.PublishesAudio)).ToArray();

    private void ApplyLocked(Router router, bool speakerChanged)
    {
        if (speakerChanged)
            ConferenceCounters.OnSpeakerChange();
        foreach (var participant in router.Participants)
            ConferenceCounters.OnResumedOrPaused(participant.ApplySelectionLocked(router.Selection, Sender));
    }

    public async ValueTask DisposeAsync()
    {
        MediaParticipant[] participants;
        lock (Control)
            participants = _routers.Values.SelectMany(r => r.Participants).ToArray();
        foreach (var participant in participants)
            await participant.DisposeAsync().ConfigureAwait(false);
        if (_timer is not null)
            await _timer.DisposeAsync().ConfigureAwait(false);
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
