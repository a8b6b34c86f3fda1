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

    private readonly Socket _socket;
    private readonly PacketAddress _local;
    private readonly IceCredentials _localIce = IceCredentials.Generate();
    private readonly string _sessionId = SdpBuilder.NewSessionId();
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource<bool> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<ClientRemoteTrack> _remoteTracks = [];
    // ICE checks are paced every 10 ms until DTLS is up; consent freshness (RFC 7675) needs far less.
    private static readonly TimeSpan ConnectingTick = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan ConnectedTick = TimeSpan.FromMilliseconds(250);

    private readonly Task _receiveLoop;
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
    private int _transportSequence;

    public ClientPeerConnection(IPAddress? localAddress = null, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        var address = localAddress ?? IPAddress.Loopback;
        _socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(address, 0));
        _local = PacketAddress.FromEndPoint((IPEndPoint)_socket.LocalEndPoint!);
        _receiveLoop = Task.Run(ReceiveLoopAsync);
    }

    public event ClientPacketCallback? RtpReceived;

    public event ClientPacketCallback? RtcpReceived;

    public DtlsFingerprint Fingerprint => SharedCertificate.Value.Fingerprint;

    public IPEndPoint LocalEndPoint => _local.ToEndPoint();

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
        var answer = SdpBuilder.CreateAnswer(offer, LocalTransport(SdpSetupRole.Active),
            new SdpAnswerOptions { IceLite = false, AcceptDataChannel = false, AcceptSimulcast = false }, _sessionId, ++_version);
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
            var fingerprints = (section.Fingerprints.Count > 0 ? section.Fingerprints : remote.Fingerprints)
                .Select(f => f.TryToDtls(out var d) ? d : null).OfType<DtlsFingerprint>().ToList();
            _ice = new IceControllingAgent(_localIce, ice, _time);
            _ice.AddLocalCandidate(_local);
            foreach (var candidate in section.Candidates)
            {
                if (IceCandidate.TryParse(candidate.ToString(), out var parsed))
                    _ice.AddRemoteCandidate(parsed);
            }
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

    // Paces ICE checks and consent; starts DTLS once a pair is selected. Timer callbacks never overlap.
    private void Pump()
    {
        if (Interlocked.Exchange(ref _pumping, 1) == 1)
            return;
        try
        {
            lock (_lock)
            {
                if (_stop.IsCancellationRequested || _ice is null)
                    return;
                while (_ice.TryPollTransmit(_pumpBuffer, out var written, out _, out var remote))
                    _socket.SendTo(_pumpBuffer.AsSpan(0, written), SocketFlags.None, remote.ToEndPoint());
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
        if (!remote.IsEmpty && !_stop.IsCancellationRequested)
            _socket.SendTo(datagram, SocketFlags.None, remote.ToEndPoint());
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
            _socket.SendTo(buffer[..protectedLength], SocketFlags.None, _remoteAddress!);
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
            _socket.SendTo(buffer[..protectedLength], SocketFlags.None, _remoteAddress!);
            return true;
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[2048];
        var from = new SocketAddress(_local.ToEndPoint().AddressFamily);
        while (!_stop.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, from, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Closed by DisposeAsync, or an ICMP error reported on the socket: keep going unless stopping.
                continue;
            }
            try
            {
                if (PacketAddress.TryFromSocketAddress(from, out var source))
                    Handle(buffer.AsSpan(0, length), source);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A bad packet must not kill the client's receive loop.
                Interlocked.Increment(ref _dropped);
            }
        }
    }

    private void Handle(Span<byte> packet, PacketAddress source)
    {
        if (packet.Length < 4)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }
        var first = packet[0];
        if (first <= 3)
        {
            lock (_lock)
                _ice?.HandleResponse(packet, _local, source);
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
            RtpReceived?.Invoke(packet[..plain]);
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
        }
        Timer? pump;
        lock (_lock)
            pump = _pump;
        if (pump is not null)
            await pump.DisposeAsync().ConfigureAwait(false);
        dtls?.Dispose();
        _socket.Dispose();
        await _receiveLoop.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        srtp?.Dispose();
        _connected.TrySetResult(false);
        _stop.Dispose();
    }
}
