using System.Diagnostics;
using Meet.Modules.Client;
using Meet.Modules.Client.Media;

namespace Meet.Benchmarks.Meeting;

// One participant of a load run on the .NET client library: REST join, signaling, then (publishers) a
// publisher PeerConnection with a VP8 (three simulcast layers, or one) and/or Opus track, and
// (everyone) the subscriber PeerConnection the server offers, answered by MeetClient itself. Media is
// sent by the shared MediaPacer; subscriber feedback (RR, NACK, transport-cc) by the run's one timer.
internal sealed class SyntheticParticipant : IAsyncDisposable
{
    private readonly MeetClient _client;
    private int _keyframeRequested;

    public SyntheticParticipant(int number, ParticipantRole role, MeetClientOptions options, HttpClient http, LatencyHistogram latency, RunCounters counters,
        TimeSpan freezeGap, MediaProfile media, int forwardedVideos, double receiveLoss = 0, SpeakerChangeRecorder? speakerChanges = null,
        Func<string, int?>? publisherNumber = null)
    {
        Number = number;
        Role = role;
        Counters = counters;
        Stats = new ReceiveStats(latency, counters, freezeGap, forwardedVideos, speakerChanges, number);
        Feedback = new ClientReceiverFeedback(0x20000000u + (uint)number);
        _media = media;
        VideoLayers = [.. media.VideoLayers.Select((shape, i) => new PublishedLayer(shape, media.SingleLayer ? VideoSsrc : 0x30000000u + (uint)number * 4 + (uint)i))];
        // Talkers at different loudness, so the SFU's speaker detection has an order to find.
        AudioLevel = (byte)(20 + number % 40);
        _client = new MeetClient(options, http);
        _client.SubscriberRtpReceived += packet =>
        {
            // Simulated downlink loss, before anything sees the packet (as if the network lost it).
            if (receiveLoss > 0 && Random.Shared.NextDouble() < receiveLoss)
                return;
            RtpArrived?.Invoke(packet);
            if (Feedback.OnRtp(packet))
                Stats.OnRtp(packet, _client.Subscriber?.ReceivedAt ?? 0);
        };
        if (speakerChanges is not null && publisherNumber is not null)
        {
            _client.ActiveSpeakerChanged += speaker =>
            {
                if (speaker.ParticipantId is { } id && publisherNumber(id) is { } publisher)
                    Stats.OnSpeakerAnnounced(publisher);
            };
        }
        _client.SubscriberRtcpReceived += Feedback.OnRtcp;
        _client.SubscriberOfferReceived += sdp =>
        {
            Feedback.OnOffer(sdp);
            Interlocked.Increment(ref _subscriberOffers);
            Volatile.Write(ref _subscriberSections, sdp.Split('\n').Count(l => l.StartsWith("m=", StringComparison.Ordinal)));
        };
    }

    private readonly MediaProfile _media;
    private int _subscriberOffers;
    private int _subscriberSections;

    // The camera's video m-section is the offer's first (mid "0"), its simulcast layers ride on it.
    public static ReadOnlySpan<byte> VideoMid => "0"u8;

    // Every RTP packet the subscriber PeerConnection received, retransmissions included (the impairment
    // matrix reads frames from them).
    public event ClientPacketCallback? RtpArrived;

    // Receiver reports, NACKs and transport-cc feedback for what the subscriber PeerConnection receives.
    public ClientReceiverFeedback Feedback { get; }

    public IReadOnlyList<PublishedLayer> VideoLayers { get; }

    // RFC 6464 level (dBov below full scale) on every audio packet.
    public byte AudioLevel { get; }

    // Subscriber offers received, and the m-sections of the latest (issue 10: bounded by LastN + 3 with slots).
    public int SubscriberOffers => Volatile.Read(ref _subscriberOffers);

    public int SubscriberSections => Volatile.Read(ref _subscriberSections);

    public int Number { get; }

    public ParticipantRole Role { get; }

    public RunCounters Counters { get; }

    public ReceiveStats Stats { get; }

    public string MeetingId { get; private set; } = "";

    // The server's id for this participant, once joined.
    public string? ParticipantId => _client.ParticipantId;

    public ClientPeerConnection? Publisher { get; private set; }

    public uint VideoSsrc => 0x10000000u + (uint)Number * 2;

    public uint AudioSsrc => 0x10000001u + (uint)Number * 2;

    public TimeSpan SignalingJoinTime { get; private set; }

    public TimeSpan PublishTime { get; private set; }

    // Until the subscriber PeerConnection was up (DTLS done), when one was awaited.
    public TimeSpan? SubscriberConnectTime { get; private set; }

    public long JoinStartedTicks { get; private set; }

    public bool Joined { get; private set; }

    public string? Failure { get; private set; }

    // Video and audio state the pacer owns (one thread).
    internal long NextAudioTicks;
    internal long NextKeyframeTicks;
    internal ushort AudioSequence;
    internal uint AudioFrameCount;

    public bool TakeKeyframeRequest() => Interlocked.Exchange(ref _keyframeRequested, 0) == 1;

    // awaitSubscriber: the join counts as done once the subscriber PeerConnection is up (someone already
    // publishes in the meeting). That keeps the handshakes in flight bounded by the join concurrency,
    // as real clients arriving over time would, instead of a thousand DTLS handshakes queued at once.
    public async Task JoinAsync(string meetingId, string? token, bool awaitSubscriber, CancellationToken cancellationToken)
    {
        MeetingId = meetingId;
        JoinStartedTicks = Stopwatch.GetTimestamp();
        try
        {
            await _client.JoinAsync(meetingId, $"{Role} {Number}", userId: $"usr_load_{Number}", token: token, cancellationToken: cancellationToken);
            SignalingJoinTime = Stopwatch.GetElapsedTime(JoinStartedTicks);
            var tracks = new List<ClientMediaTrack>();
            if (Role == ParticipantRole.Camera)
                tracks.Add(_media.SingleLayer ? ClientMediaTrack.Vp8(_client.ParticipantId!, "camera", VideoSsrc)
                    : ClientMediaTrack.Vp8Simulcast(_client.ParticipantId!, "camera", [.. _media.VideoLayers.Select(l => l.Rid!)]));
            if (Role is ParticipantRole.Camera or ParticipantRole.Microphone)
                tracks.Add(ClientMediaTrack.Opus(_client.ParticipantId!, "microphone", AudioSsrc));
            if (tracks.Count > 0)
            {
                var publisher = await _client.PublishAsync(tracks, cancellationToken);
                publisher.RtcpReceived += OnPublisherRtcp;
                Publisher = publisher;
                PublishTime = Stopwatch.GetElapsedTime(JoinStartedTicks);
            }
            if (awaitSubscriber)
            {
                var deadline = Stopwatch.GetTimestamp() + 30 * Stopwatch.Frequency;
                while (!SubscriberConnected && Stopwatch.GetTimestamp() < deadline)
                    await Task.Delay(20, cancellationToken);
                if (SubscriberConnected)
                    SubscriberConnectTime = Stopwatch.GetElapsedTime(JoinStartedTicks);
            }
            Joined = true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Failure = e.GetType().Name + ": " + e.Message;
        }
    }

    public Task<MeetingCreated> CreateMeetingAsync(string title) => _client.CreateMeetingAsync($"usr_load_{Number}", title);

    public bool SubscriberConnected => _client.Subscriber is { IsConnected: true };

    // Run by the run's one feedback timer: the RR + NACK compound, then transport-cc feedback packets.
    public void SendFeedback(Span<byte> buffer)
    {
        if (_client.Subscriber is not { IsConnected: true } subscriber)
            return;
        var length = Feedback.WriteReport(buffer);
        if (length > 0)
            subscriber.SendRtcp(buffer[..length]);
        while ((length = Feedback.WriteTransportFeedback(buffer)) > 0)
            subscriber.SendRtcp(buffer[..length]);
    }

    // PLI (RFC 4585 §6.3.1: PT 206, FMT 1) or FIR (RFC 5104 §4.3.1: PT 206, FMT 4) from the SFU.
    private void OnPublisherRtcp(ReadOnlySpan<byte> compound)
    {
        var offset = 0;
        while (offset + 4 <= compound.Length)
        {
            var format = compound[offset] & 0x1f;
            var type = compound[offset + 1];
            if (type == 206 && format is 1 or 4)
            {
                // The layer asked for: PLI names it as the media source, FIR in its first FCI entry.
                var ssrcOffset = offset + (format == 1 ? 8 : 12);
                var ssrc = ssrcOffset + 4 <= compound.Length ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(compound[ssrcOffset..]) : 0;
                var layer = VideoLayers.FirstOrDefault(l => l.Ssrc == ssrc);
                if (layer is not null)
                    Volatile.Write(ref layer.KeyframeRequested, 1);
                else
                    Volatile.Write(ref _keyframeRequested, 1);
            }
            offset += 4 * ((compound[offset + 2] << 8 | compound[offset + 3]) + 1);
        }
    }

    public async Task LeaveAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _client.LeaveAsync(timeout.Token);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Leaving is best effort at the end of a run; the server frees a silent participant itself.
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _client.DisposeAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
        }
    }
}

internal enum ParticipantRole
{
    // Publishes video and audio.
    Camera,

    // Publishes an audio track (muted unless a talker) and subscribes.
    Microphone,

    // Subscribes only.
    Viewer,
}
