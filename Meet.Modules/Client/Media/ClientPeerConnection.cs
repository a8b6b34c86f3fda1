using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Meet.Modules.Media.Protocols.Dtls;
using Meet.Modules.Media.Protocols.Ice;
using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Protocols.Sdp;
using Meet.Modules.Media.Protocols.Srtp;
using Meet.PacketEngine;

namespace Meet.Modules.Client.Media;

// A PeerConnection-lite for tests, bots and the load generator: its own UDP socket, a controlling ICE
// agent, the DTLS client and SRTP. Use one per PeerConnection: CreateOffer + ApplyAnswer for the
// publisher side, AnswerOffer for the subscriber side. Not on any server path, so it allocates freely —
// but it keeps no thread of its own (asynchronous receives, a timer for ICE pacing) so one process can
// hold a thousand of them (the load generator, issue 14).
public sealed class ClientPeerConnection : IAsyncDisposable
{
    private static readonly Lazy<DtlsCertificate> SharedCertificate =
        new(() => DtlsCertificate.CreateSelfSigned(DateTimeOffset.UtcNow, TimeSpan.FromDays(30), "meet-client"));

    // The current ICE generation's socket and credentials. During an ICE restart (network handover) the
    // previous generation's socket, agent and address stay open: the SFU keeps sending there until the new
    // pair is selected, and the old pair's consent checks go on.
    private Socket _socket;
    private PacketAddress _local;
    private IceCredentials _localIce = IceCredentials.Generate();
    private Socket? _previousSocket;
    private PacketAddress _previousLocal;
    private IceControllingAgent? _previousIce;
    // Where media and DTLS go: the previous socket until the restarted pair is selected.
    private Socket _sendSocket;
    // A restart begun whose remote description (with the peer's new credentials) has not arrived yet.
    private bool _restartAwaitingRemote;
    private IceCredentials? _remoteIce;
    private readonly string _sessionId = SdpBuilder.NewSessionId();
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource<bool> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<ClientRemoteTrack> _remoteTracks = [];
    // ICE checks are paced every 10 ms until DTLS is up; consent freshness (RFC 7675) needs far less.
    private static readonly TimeSpan ConnectingTick = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan ConnectedTick = TimeSpan.FromMilliseconds(250);

    private readonly List<Task> _receiveLoops = [];
    private readonly byte[] _pumpBuffer = new byte[1500];
    private Timer? _pump;
    private int _pumping;
    private bool _dtlsStarted;
    private SocketAddress? _remoteAddress;
    private IceControllingAgent? _ice;
    private DtlsEndpoint? _dtls;
    private SrtpSession? _srtp;
    private PacketAddress _remote;
    private ulong _version;
    private long _rtpReceived;
    private long _rtcpReceived;
    private long _dropped;
    private long _iceRestarts;
    private long _rtpOnPreviousPath;
    private long _rtpOnNewPathBeforeSwitch;
    private int _transportSequence;
    // IceDisconnected was raised for the current episode (cleared when consent answers again).
    private bool _disconnectedRaised;

    // receiveThread: receive on a thread of this PeerConnection's own instead of asynchronously on the
    // thread pool (see ReceiveLoop).
    // kernelReceiveTimes: read each datagram's kernel receive time (ReceivedAt), for a load generator's latency split.
    public ClientPeerConnection(IPAddress? localAddress = null, TimeProvider? time = null, bool receiveThread = false, bool kernelReceiveTimes = false)
    {
        _time = time ?? TimeProvider.System;
        _receiveThread = receiveThread;
        _kernelReceiveTimes = kernelReceiveTimes;
        var address = localAddress ?? IPAddress.Loopback;
        (_socket, _local) = OpenSocket(address);
        _sendSocket = _socket;
        StartReceiving(_socket, _local);
    }

    private static (Socket, PacketAddress) OpenSocket(IPAddress address)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(address, 0));
        return (socket, PacketAddress.FromEndPoint((IPEndPoint)socket.LocalEndPoint!));
    }

    private readonly bool _receiveThread;
    private readonly bool _kernelReceiveTimes;
    private long _receivedAt;

    // Issue 14: the kernel's receive time (Stopwatch ticks) of the datagram whose callback (RtpReceived, ...) is
    // running, read on that callback's thread; 0 unless constructed with kernelReceiveTimes, or when unknown.
    public long ReceivedAt => _receivedAt;

    private void StartReceiving(Socket socket, PacketAddress local)
    {
        var loop = _receiveThread
            ? Task.Factory.StartNew(() => ReceiveLoop(socket, local), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
            : Task.Run(() => ReceiveLoopAsync(socket, local));
        lock (_receiveLoops)
            _receiveLoops.Add(loop);
    }

    // Raised (on a timer thread) when a restarted ICE generation has its pair selected and media moved to it.
    public event Action? PathSwitched;

    // Raised (on a timer thread) when the selected pair's consent checks start going unanswered
    // (IceControllingAgent.IsDisconnected); IsIceDisconnected says whether it still lasts. Not raised
    // while an ICE restart is in progress: the restart is what answers it.
    public event Action? IceDisconnected;

    public bool IsIceDisconnected
    {
        get
        {
            lock (_lock)
                return _previousSocket is null && _ice is { IsDisconnected: true };
        }
    }

    // Timing of the ICE agents (consent checks, the disconnected threshold); null = the defaults.
    public IceControllingAgentOptions? IceOptions { get; init; }

    public long IceRestarts => Interlocked.Read(ref _iceRestarts);

    // Handover evidence: SRTP packets that arrived on the previous socket while a restart was in progress
    // (the SFU kept the old path), and on the new socket before its pair was selected (must stay 0: the
    // SFU sends to a new address only once it has answered STUN there).
    public long RtpReceivedOnPreviousPathDuringRestart => Interlocked.Read(ref _rtpOnPreviousPath);

    public long RtpReceivedOnNewPathBeforeSwitch => Interlocked.Read(ref _rtpOnNewPathBeforeSwitch);

    public bool IsRestartingIce
    {
        get
        {
            lock (_lock)
                return _previousSocket is not null;
        }
    }

    // Network handover (seed scenario 3): a new socket on localAddress (the new interface's address;
    // null = the current one) with new ICE credentials. Then negotiate: on the publisher side CreateOffer
    // + ApplyAnswer, on the subscriber side the server's next offer (its new credentials) goes through
    // AnswerOffer. DTLS and SRTP are kept; media stays on the old path until the new pair is selected.
    public void BeginIceRestart(IPAddress? localAddress = null)
    {
        lock (_lock)
        {
            if (_stop.IsCancellationRequested)
                throw new ObjectDisposedException(nameof(ClientPeerConnection));
            if (_dtls is null)
                throw new InvalidOperationException("Nothing to restart: no description was applied yet.");
            var (socket, local) = OpenSocket(localAddress ?? _local.ToEndPoint().Address);
            if (_previousSocket is null)
            {
                // The connected generation becomes the previous one and keeps carrying media.
                _previousSocket = _socket;
                _previousLocal = _local;
                _previousIce = _ice;
            }
            else
            {
                // A restart of a restart that had not switched yet: the unfinished generation goes.
                _ice?.Close();
                _socket.Dispose();
            }
            _socket = socket;
            _local = local;
            _localIce = IceCredentials.Generate();
            _ice = null;
            _restartAwaitingRemote = true;
            Interlocked.Increment(ref _iceRestarts);
            StartReceiving(socket, local);
        }
    }

    public event ClientPacketCallback? RtpReceived;

    public event ClientPacketCallback? RtcpReceived;

    public DtlsFingerprint Fingerprint => SharedCertificate.Value.Fingerprint;

    // The current generation's socket (after a handover, the new one).
    public IPEndPoint LocalEndPoint
    {
        get
        {
            lock (_lock)
                return _local.ToEndPoint();
        }
    }

    public long RtpPacketsReceived => Interlocked.Read(ref _rtpReceived);

    public long RtcpPacketsReceived => Interlocked.Read(ref _rtcpReceived);

    public long PacketsDropped => Interlocked.Read(ref _dropped);

    public bool IsConnected => _connected.Task.IsCompletedSuccessfully && _connected.Task.Result;

    public IReadOnlyList<ClientRemoteTrack> RemoteTracks
    {
        get
        {
            lock (_lock)
                return [.. _remoteTracks];
        }
    }

    // Completes true once DTLS is up and SRTP keys exist, false when the handshake failed.
    public Task<bool> Connected => _connected.Task;

    // Publisher side: an offer with one sendonly m-section per track (a=ssrc announced, or a=rid +
    // a=simulcast for a simulcast track).
    public string CreateOffer(IReadOnlyList<ClientMediaTrack> tracks)
    {
        ArgumentNullException.ThrowIfNull(tracks);
        var session = SdpBuilder.CreateSession(_sessionId, ++_version, iceLite: false);
        var transport = LocalTransport(SdpSetupRole.ActPass);
        for (var i = 0; i < tracks.Count; i++)
        {
            var track = tracks[i];
            var section = new SdpMediaDescription
            {
                Media = track.Kind,
                Protocol = "UDP/TLS/RTP/SAVPF",
                Mid = i.ToString(CultureInfo.InvariantCulture),
                Formats = [track.PayloadType.ToString(CultureInfo.InvariantCulture)],
                Direction = track.Sending ? SdpDirection.SendOnly : SdpDirection.Inactive,
                Msids = [new SdpMsid(track.StreamId, track.TrackId)],
                RtpMaps = [new SdpRtpMap(track.PayloadType, track.Codec, track.ClockRate, track.Channels)],
                Extmaps = track.Kind == "audio"
                    ? [new SdpExtmap(MidExtensionId, SdpAnswerOptions.MidUri), new SdpExtmap(AudioLevelExtensionId, SdpAnswerOptions.AudioLevelUri)]
                    : [new SdpExtmap(MidExtensionId, SdpAnswerOptions.MidUri)],
                Ssrcs = track.Rids.Count > 0 ? []
                    : [new SdpSsrc(track.Ssrc, "cname", track.StreamId), new SdpSsrc(track.Ssrc, "msid", track.StreamId + " " + track.TrackId)],
            };
            if (track.Rids.Count > 0)
            {
                section.Extmaps.Add(new SdpExtmap(RidExtensionId, SdpAnswerOptions.RidUri));
                section.Extmaps.Add(new SdpExtmap(RepairedRidExtensionId, SdpAnswerOptions.RepairedRidUri));
                section.Rids = [.. track.Rids.Select(r => new SdpRid(r, SdpRidDirection.Send))];
                section.Simulcast = SdpSimulcast.SendingRids([.. track.Rids]);
            }
            if (track.RtxPayloadType is { } rtx)
            {
                section.Formats.Add(rtx.ToString(CultureInfo.InvariantCulture));
                section.RtpMaps.Add(new SdpRtpMap(rtx, "rtx", track.ClockRate));
                section.Fmtps.Add(new SdpFmtp(rtx, "apt=" + track.PayloadType.ToString(CultureInfo.InvariantCulture)));
            }
            if (TransportWideCc)
            {
                section.Extmaps.Add(new SdpExtmap(TransportWideCcExtensionId, SdpAnswerOptions.TransportWideCcUri));
                section.RtcpFeedbacks.Add(new SdpRtcpFeedback(track.PayloadType, "transport-cc"));
            }
            if (track.Kind == "video")
            {
                section.RtcpFeedbacks.Add(new SdpRtcpFeedback(track.PayloadType, "nack"));
                section.RtcpFeedbacks.Add(new SdpRtcpFeedback(track.PayloadType, "nack", "pli"));
                section.RtcpFeedbacks.Add(new SdpRtcpFeedback(track.PayloadType, "ccm", "fir"));
            }
            SdpBuilder.ApplyTransport(section, transport);
            session.MediaDescriptions.Add(section);
        }
        SdpBuilder.SetBundle(session);
        return session.ToString();
    }

    public void ApplyAnswer(string answerSdp)
    {
        if (!SessionDescription.TryParse(answerSdp, out var answer, out var error))
            throw new FormatException("Malformed SDP answer: " + error);
        SetRemote(answer);
    }

    // Subscriber side: answers the server's offer (recvonly, setup:active so we are the DTLS client).
    public string AnswerOffer(string offerSdp)
    {
        if (!SessionDescription.TryParse(offerSdp, out var offer, out var error))
            throw new FormatException("Malformed SDP offer: " + error);
        var offered = offer.MediaDescriptions.FirstOrDefault(m => !m.IsRejected);
        var offeredUfrag = offered?.IceUfrag ?? offer.IceUfrag;
        bool restartOffered;
        lock (_lock)
            restartOffered = _remoteIce is not null && offeredUfrag is not null && offeredUfrag != _remoteIce.Ufrag && !_restartAwaitingRemote;
        // RFC 8839 §4.4.1.1.1: an offer with new credentials is an ICE restart; the answerer restarts too.
        if (restartOffered)
            BeginIceRestart();
        var answer = SdpBuilder.CreateAnswer(offer, LocalTransport(SdpSetupRole.Active),
            new SdpAnswerOptions { IceLite = false, AcceptDataChannel = false, AcceptSimulcast = false, AcceptRed = false }, _sessionId, ++_version);
        lock (_lock)
        {
            _remoteTracks.Clear();
            foreach (var section in offer.MediaDescriptions.Where(m => !m.IsRejected && m.Mid is not null))
            {
                var ssrc = section.Ssrcs.FirstOrDefault()?.Ssrc ?? 0;
                var msid = section.Msids.FirstOrDefault();
                _remoteTracks.Add(new ClientRemoteTrack(section.Mid!, section.Media, ssrc, msid?.StreamId ?? "", msid?.TrackId ?? ""));
            }
        }
        SetRemote(offer);
        return answer.ToString();
    }

    private SdpTransportParameters LocalTransport(SdpSetupRole setup)
    {
        var candidate = new SdpCandidate
        {
            Foundation = "1",
            Component = 1,
            Transport = "UDP",
            Priority = IceCandidate.ComputePriority(IceCandidateType.Host, 65535, 1),
            Address = _local.ToEndPoint().Address.ToString(),
            Port = _local.Port,
            Type = SdpCandidateType.Host,
        };
        return new SdpTransportParameters(_localIce.Ufrag, _localIce.Password, Fingerprint, setup) { Candidates = [candidate] };
    }

    private void SetRemote(SessionDescription remote)
    {
        var section = remote.MediaDescriptions.FirstOrDefault(m => !m.IsRejected)
            ?? throw new FormatException("The description has no active m-section.");
        lock (_lock)
        {
            if (_ice is not null)
                return;
            var ice = new IceCredentials(section.IceUfrag ?? remote.IceUfrag!, section.IcePwd ?? remote.IcePwd!);
            _remoteIce = ice;
            if (_restartAwaitingRemote)
            {
                // The restarted generation: fresh checks from the new socket; DTLS and SRTP stay.
                _restartAwaitingRemote = false;
                _ice = NewAgent(ice, section);
                _pump?.Change(TimeSpan.Zero, ConnectingTick);
                return;
            }
            var fingerprints = (section.Fingerprints.Count > 0 ? section.Fingerprints : remote.Fingerprints)
                .Select(f => f.TryToDtls(out var d) ? d : null).OfType<DtlsFingerprint>().ToList();
            _ice = NewAgent(ice, section);
            _dtls = new DtlsEndpoint(new DtlsEndpointOptions
            {
                Role = DtlsRole.Client,
                Certificate = SharedCertificate.Value,
                RemoteFingerprints = fingerprints,
            }, SendDatagram);
        }
        lock (_lock)
        {
            if (!_stop.IsCancellationRequested)
                _pump = new Timer(static s => ((ClientPeerConnection)s!).Pump(), this, TimeSpan.Zero, ConnectingTick);
        }
    }

    private IceControllingAgent NewAgent(IceCredentials remoteIce, SdpMediaDescription section)
    {
        var agent = new IceControllingAgent(_localIce, remoteIce, _time, IceOptions);
        agent.AddLocalCandidate(_local);
        foreach (var candidate in section.Candidates)
        {
            if (IceCandidate.TryParse(candidate.ToString(), out var parsed))
                agent.AddRemoteCandidate(parsed);
        }
        return agent;
    }

    // Paces ICE checks and consent; starts DTLS once a pair is selected. Timer callbacks never overlap.
    private void Pump()
    {
        if (Interlocked.Exchange(ref _pumping, 1) == 1)
            return;
        var switched = false;
        var disconnected = false;
        try
        {
            lock (_lock)
            {
                if (_stop.IsCancellationRequested)
                    return;
                var unanswered = _previousSocket is null && _ice is { IsDisconnected: true };
                disconnected = unanswered && !_disconnectedRaised;
                _disconnectedRaised = unanswered;
                if (_previousIce is not null)
                {
                    // The old pair's consent checks go on while it carries media.
                    while (_previousIce.TryPollTransmit(_pumpBuffer, out var written, out _, out var remote))
                        _previousSocket!.SendTo(_pumpBuffer.AsSpan(0, written), SocketFlags.None, remote.ToEndPoint());
                }
                if (_ice is null)
                    return;
                while (_ice.TryPollTransmit(_pumpBuffer, out var written, out _, out var remote))
                    _socket.SendTo(_pumpBuffer.AsSpan(0, written), SocketFlags.None, remote.ToEndPoint());
                if (_previousSocket is not null && _ice.TryGetSelectedPair(out _, out var restarted))
                    switched = SwitchToRestartedPathLocked(restarted);
                if (!_dtlsStarted && _ice.TryGetSelectedPair(out _, out var selected))
                {
                    _remote = selected;
                    _remoteAddress = selected.ToEndPoint().Serialize();
                    _dtlsStarted = true;
                    _ = _dtls!.Start().ContinueWith(t => OnDtlsCompleted(t.Result), TaskScheduler.Default);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Closing, or an ICMP error reported on the socket: the next tick tries again.
        }
        finally
        {
            Volatile.Write(ref _pumping, 0);
        }
        if (switched)
            PathSwitched?.Invoke();
        if (disconnected)
            IceDisconnected?.Invoke();
    }

    // The new generation's pair answered: media and DTLS move to it, the previous socket closes (its
    // receive loop ends; whatever the SFU still had in flight there is lost, as on a real handover).
    private bool SwitchToRestartedPathLocked(PacketAddress remote)
    {
        _remote = remote;
        _remoteAddress = remote.ToEndPoint().Serialize();
        _sendSocket = _socket;
        _previousIce?.Close();
        _previousIce = null;
        _previousSocket!.Dispose();
        _previousSocket = null;
        _previousLocal = default;
        _pump?.Change(ConnectedTick, ConnectedTick);
        return true;
    }

    private void OnDtlsCompleted(DtlsHandshakeResult result)
    {
        if (!result.Succeeded)
        {
            _connected.TrySetResult(false);
            return;
        }
        var keys = result.Keys!;
        lock (_lock)
        {
            _srtp = SrtpSession.FromDtlsExport((SrtpProtectionProfile)keys.Profile, keys.ExportedBlock.Span, isDtlsClient: true);
            _pump?.Change(ConnectedTick, ConnectedTick);
        }
        _connected.TrySetResult(true);
    }

    private void SendDatagram(ReadOnlySpan<byte> datagram)
    {
        PacketAddress remote;
        lock (_lock)
            remote = _remote;
        Socket socket;
        lock (_lock)
            socket = _sendSocket;
        if (!remote.IsEmpty && !_stop.IsCancellationRequested)
            socket.SendTo(datagram, SocketFlags.None, remote.ToEndPoint());
    }

    // The ids this client offers: mid on every section, RFC 6464 audio levels on audio sections, rid and
    // repaired-rid on simulcast video sections.
    public const int MidExtensionId = 1;
    public const int AudioLevelExtensionId = 2;
    public const int TransportWideCcExtensionId = 3;
    public const int RidExtensionId = 10;
    public const int RepairedRidExtensionId = 11;

    // Offer the transport-wide sequence extension (draft-holmer-rmcat-transport-wide-cc-extensions-01)
    // and stamp every packet sent, as browsers do: the SFU then answers with transport-cc feedback and
    // reuses the element for its own numbering towards each subscriber (issue 11's estimator).
    public bool TransportWideCc { get; init; }

    public bool SendRtp(uint ssrc, byte payloadType, ushort sequenceNumber, uint timestamp, bool marker, ReadOnlySpan<byte> payload) =>
        SendRtp(ssrc, payloadType, sequenceNumber, timestamp, marker, payload, audioLevel: null);

    // audioLevel: RFC 6464 level (0 loudest .. 127 silence) sent in the ssrc-audio-level extension, as
    // browsers do on every microphone packet; the SFU's speaker detection reads it.
    public bool SendRtp(uint ssrc, byte payloadType, ushort sequenceNumber, uint timestamp, bool marker, ReadOnlySpan<byte> payload, byte? audioLevel) =>
        SendRtp(ssrc, payloadType, sequenceNumber, timestamp, marker, payload, audioLevel, mid: default, rid: default);

    // A simulcast layer's packet: the section's mid and the layer's rid (ASCII) ride in the header
    // extensions on every packet, as Chrome sends them, so the SFU learns the layer's SSRC (RFC 8852).
    public bool SendRtp(uint ssrc, byte payloadType, ushort sequenceNumber, uint timestamp, bool marker, ReadOnlySpan<byte> payload,
        byte? audioLevel, ReadOnlySpan<byte> mid, ReadOnlySpan<byte> rid)
    {
        Span<byte> buffer = stackalloc byte[1500];
        var writer = new RtpPacketWriter(buffer, payloadType, sequenceNumber, timestamp, ssrc, marker);
        if (!mid.IsEmpty)
            writer.AddExtension(MidExtensionId, mid);
        if (TransportWideCc)
        {
            Span<byte> sequence = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(sequence, (ushort)Interlocked.Increment(ref _transportSequence));
            writer.AddExtension(TransportWideCcExtensionId, sequence);
        }
        if (!rid.IsEmpty)
            writer.AddExtension(RidExtensionId, rid);
        if (audioLevel is { } level)
        {
            Span<byte> value = stackalloc byte[AudioLevelExtension.Size];
            AudioLevelExtension.TryWrite(level <= 50, Math.Min(level, (byte)127), value, out _);
            writer.AddExtension(AudioLevelExtensionId, value);
        }
        if (!writer.TryComplete(payload, 0, out var length))
            return false;
        lock (_lock)
        {
            if (_srtp is null || !_srtp.TryProtectRtp(buffer, length, out var protectedLength, out _))
                return false;
            _sendSocket.SendTo(buffer[..protectedLength], SocketFlags.None, _remoteAddress!);
            return true;
        }
    }

    public bool SendRtcp(ReadOnlySpan<byte> compound)
    {
        Span<byte> buffer = stackalloc byte[1500];
        compound.CopyTo(buffer);
        lock (_lock)
        {
            if (_srtp is null || !_srtp.TryProtectRtcp(buffer, compound.Length, out var protectedLength, out _))
                return false;
            _sendSocket.SendTo(buffer[..protectedLength], SocketFlags.None, _remoteAddress!);
            return true;
        }
    }

    private async Task ReceiveLoopAsync(Socket socket, PacketAddress local)
    {
        var buffer = new byte[2048];
        var from = new SocketAddress(local.ToEndPoint().AddressFamily);
        while (!_stop.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await socket.ReceiveFromAsync(buffer, SocketFlags.None, from, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                // Closed by DisposeAsync, or the previous generation's socket after a handover.
                return;
            }
            catch (SocketException)
            {
                // An ICMP error reported on the socket (or the close racing the receive): keep going while it is open.
                continue;
            }
            if (_kernelReceiveTimes)
                _receivedAt = KernelReceiveClock.LastReceived(socket);
            HandleReceived(buffer.AsSpan(0, length), from, local);
        }
    }

    // The same loop blocking on a thread of its own: for a PeerConnection whose few packets must not wait
    // behind a busy process's thread pool. A load generator's publisher receives only RTCP (a few packets
    // a second), but the SFU's PLI in it would otherwise queue behind the thousands of media packets its
    // subscribers receive a second, and the camera's keyframe with it.
    private void ReceiveLoop(Socket socket, PacketAddress local)
    {
        var buffer = new byte[2048];
        var from = new SocketAddress(local.ToEndPoint().AddressFamily);
        while (!_stop.IsCancellationRequested)
        {
            int length;
            try
            {
                length = socket.ReceiveFrom(buffer, SocketFlags.None, from);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // As above; a socket closed under the blocking receive throws ObjectDisposedException next.
                continue;
            }
            HandleReceived(buffer.AsSpan(0, length), from, local);
        }
    }

    private void HandleReceived(Span<byte> packet, SocketAddress from, PacketAddress local)
    {
        try
        {
            if (PacketAddress.TryFromSocketAddress(from, out var source))
                Handle(packet, source, local);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bad packet must not kill the client's receive loop.
            Interlocked.Increment(ref _dropped);
        }
    }

    private void Handle(Span<byte> packet, PacketAddress source, PacketAddress local)
    {
        if (packet.Length < 4)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }
        var first = packet[0];
        if (first <= 3)
        {
            var switched = false;
            lock (_lock)
            {
                if (local == _local)
                {
                    _ice?.HandleResponse(packet, local, source);
                    // The restarted pair answered: move media at once, not at the next pump tick.
                    if (_previousSocket is not null && _ice is not null && _ice.TryGetSelectedPair(out _, out var restarted))
                        switched = SwitchToRestartedPathLocked(restarted);
                }
                else if (local == _previousLocal)
                {
                    _previousIce?.HandleResponse(packet, local, source);
                }
            }
            if (switched)
                PathSwitched?.Invoke();
            return;
        }
        if (first is >= 20 and <= 63)
        {
            DtlsEndpoint? dtls;
            lock (_lock)
                dtls = _dtls;
            if (dtls is null || !dtls.Feed(packet))
                Interlocked.Increment(ref _dropped);
            return;
        }
        if (first is < 128 or > 191)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }
        var isRtcp = packet[1] is >= 192 and <= 223;
        int plain;
        lock (_lock)
        {
            if (_srtp is null || !(isRtcp ? _srtp.TryUnprotectRtcp(packet, packet.Length, out plain, out _)
                    : _srtp.TryUnprotectRtp(packet, packet.Length, out plain, out _)))
            {
                Interlocked.Increment(ref _dropped);
                return;
            }
        }
        if (isRtcp)
        {
            Interlocked.Increment(ref _rtcpReceived);
            RtcpReceived?.Invoke(packet[..plain]);
        }
        else
        {
            Interlocked.Increment(ref _rtpReceived);
            CountHandoverRtp(local);
            RtpReceived?.Invoke(packet[..plain]);
        }
    }

    private void CountHandoverRtp(PacketAddress local)
    {
        lock (_lock)
        {
            if (_previousSocket is null)
                return;
            if (local == _previousLocal)
                Interlocked.Increment(ref _rtpOnPreviousPath);
            else if (local == _local)
                Interlocked.Increment(ref _rtpOnNewPathBeforeSwitch);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
            return;
        await _stop.CancelAsync().ConfigureAwait(false);
        DtlsEndpoint? dtls;
        SrtpSession? srtp;
        lock (_lock)
        {
            dtls = _dtls;
            srtp = _srtp;
            _srtp = null;
            _ice?.Close();
            _previousIce?.Close();
        }
        Timer? pump;
        lock (_lock)
            pump = _pump;
        if (pump is not null)
            await pump.DisposeAsync().ConfigureAwait(false);
        dtls?.Dispose();
        Task[] loops;
        lock (_lock)
        {
            _socket.Dispose();
            _previousSocket?.Dispose();
        }
        lock (_receiveLoops)
            loops = [.. _receiveLoops];
        await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        srtp?.Dispose();
        _connected.TrySetResult(false);
        _stop.Dispose();
    }
}
