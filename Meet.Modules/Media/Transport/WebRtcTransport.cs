using Meet.Modules.Media.Protocols.Dtls;
using Meet.Modules.Media.Protocols.Ice;
using Meet.Modules.Media.Protocols.Srtp;
using Meet.PacketEngine;

namespace Meet.Modules.Media.Transport;

// One PeerConnection's transport on the shared media port (mediasoup's WebRtcTransport): an ICE-lite
// agent, a DTLS endpoint and, once DTLS is up, one SRTP session for both directions.
// Threads: packets arrive on engine threads, protect calls come from any publisher's receive thread,
// DTLS completes on its own thread; SRTP state and the remote address sit behind _lock.
internal sealed partial class WebRtcTransport : IDisposable, Mixing.IMixedAudioSink
{
    private readonly ITransportRegistry _registry;
    private readonly IWebRtcTransportListener _listener;
    private readonly MediaCounters _counters;
    private readonly MediaSender _sender;
    private readonly DtlsCertificate _certificate;
    private readonly Lock _lock = new();
    private readonly IceLiteAgent _ice;
    private readonly List<PacketAddress> _addresses = [];
    private readonly List<ulong> _retiredUfrags = [];
    private string? _remoteIceUfrag;
    private string? _remoteIcePassword;
    private IceCredentials _localIce;
    private DtlsEndpoint? _dtls;
    private bool _dtlsStarted;
    private SrtpSession? _srtp;
    private PacketAddress _remote;
    private MediaConnectionState _state = MediaConnectionState.New;
    private long _keysAgreedAt;
    private IRtpPacketListener _packets;

    public WebRtcTransport(string id, ITransportRegistry registry, IWebRtcTransportListener listener, MediaCounters counters,
        MediaSender sender, DtlsCertificate certificate, TimeProvider time)
    {
        Id = id;
        _registry = registry;
        _listener = listener;
        _counters = counters;
        _sender = sender;
        _certificate = certificate;
        _packets = new DroppingPacketListener(counters);
        _localIce = IceCredentials.Generate();
        _ice = new IceLiteAgent(_localIce, null, time);
        _registry.RegisterUfrag(UfragKey.Create(_localIce.Ufrag), this);
    }

    public string Id { get; }

    // Subscriber PeerConnections only: RTT, loss and the downlink estimate (issue 11).
    public Bandwidth.SubscriberDownlink? Downlink { get; init; }

    // Where decrypted RTP and RTCP go; attached once by the owner right after construction.
    public IRtpPacketListener PacketListener
    {
        get => Volatile.Read(ref _packets);
        set => Volatile.Write(ref _packets, value);
    }

    public IceCredentials LocalIce
    {
        get
        {
            lock (_lock)
                return _localIce;
        }
    }

    public DtlsFingerprint LocalFingerprint => _certificate.Fingerprint;

    public MediaConnectionState State
    {
        get
        {
            lock (_lock)
                return _state;
        }
    }

    public bool IsConnected
    {
        get
        {
            lock (_lock)
                return _srtp is not null;
        }
    }

    public PacketAddress RemoteAddress
    {
        get
        {
            lock (_lock)
                return _remote;
        }
    }

    // Takes the peer's ICE credentials and DTLS parameters from its description. The first call sets
    // up DTLS; a later one with new ICE credentials is an ICE restart (RFC 8445 §9), DTLS stays.
    public void SetRemoteParameters(IceCredentials remoteIce, IReadOnlyList<DtlsFingerprint> remoteFingerprints, DtlsRole localRole)
    {
        lock (_lock)
        {
            if (_state == MediaConnectionState.Closed)
                return;
            if (_dtls is null)
            {
                _ice.SetRemoteCredentials(remoteIce);
                _remoteIceUfrag = remoteIce.Ufrag;
                _remoteIcePassword = remoteIce.Password;
                _dtls = new DtlsEndpoint(new DtlsEndpointOptions
                {
                    Role = localRole,
                    Certificate = _certificate,
                    RemoteFingerprints = remoteFingerprints,
                }, SendDtls);
                return;
            }
        }
    }

    // ICE restart: new local credentials at once; media keeps flowing on the old path until the peer
    // nominates a pair of the new generation. remoteIce is null when we offer the restart (subscriber PC):
    // the peer's credentials follow with its answer (AcceptRemoteIce).
    public IceCredentials RestartIce(IceCredentials? remoteIce)
    {
        var fresh = IceCredentials.Generate();
        IceCredentials old;
        lock (_lock)
        {
            old = _localIce;
            _localIce = fresh;
            _ice.Restart(fresh, remoteIce);
        }
        _registry.RegisterUfrag(UfragKey.Create(fresh.Ufrag), this);
        // Chrome keeps refreshing the old pair with the old ufrag until it switches, so the old key stays
        // registered until the transport closes.
        lock (_lock)
        {
            _retiredUfrags.Add(UfragKey.Create(old.Ufrag));
            _remoteIceUfrag = remoteIce?.Ufrag;
            _remoteIcePassword = remoteIce?.Password;
            _counters.IceRestart();
        }
        return fresh;
    }

    // The answer to an ICE restart we offered carries the peer's new credentials.
    public void AcceptRemoteIce(IceCredentials remoteIce)
    {
        lock (_lock)
        {
            if (_state == MediaConnectionState.Closed)
                return;
            _ice.SetRemoteCredentials(remoteIce);
            _remoteIceUfrag = remoteIce.Ufrag;
            _remoteIcePassword = remoteIce.Password;
        }
    }

    // False when the peer's description carries new ICE credentials, i.e. asks for an ICE restart.
    public bool RemoteIceMatches(string ufrag, string password)
    {
        lock (_lock)
            return _remoteIceUfrag is null || (_remoteIceUfrag == ufrag && _remoteIcePassword == password);
    }

    // Benchmarks and unit tests skip ICE and DTLS: the transport is connected to `remote` with these keys.
    internal void ConnectForTesting(SrtpSession srtp, PacketAddress remote)
    {
        lock (_lock)
        {
            _srtp = srtp;
            _remote = remote;
            _addresses.Add(remote);
        }
        _registry.RegisterAddress(remote, this);
        TransitionTo(MediaConnectionState.Connected);
    }

    private void TransitionTo(MediaConnectionState next)
    {
        lock (_lock)
        {
            if (_state == next || _state == MediaConnectionState.Closed)
                return;
            _state = next;
        }
        _listener.OnTransportStateChanged(this, next);
    }

    // Periodic: consent freshness (RFC 7675) — 30 s without an authenticated check from the selected
    // path means the peer is gone.
    public void CheckConsent()
    {
        bool failed;
        lock (_lock)
        {
            if (_state is MediaConnectionState.Closed or MediaConnectionState.New)
                return;
            _ice.CheckConsent();
            failed = _ice.State == IceConnectionState.Failed;
        }
        if (failed)
            TransitionTo(MediaConnectionState.Disconnected);
    }

    public void Dispose()
    {
        DtlsEndpoint? dtls;
        SrtpSession? srtp;
        PacketAddress[] addresses;
        IceCredentials local;
        lock (_lock)
        {
            if (_state == MediaConnectionState.Closed)
                return;
            _state = MediaConnectionState.Closed;
            dtls = _dtls;
            srtp = _srtp;
            _dtls = null;
            _srtp = null;
            _ice.Close();
            addresses = [.. _addresses];
            _addresses.Clear();
            local = _localIce;
        }
        _registry.UnregisterUfrag(UfragKey.Create(local.Ufrag), this);
        ulong[] retired;
        lock (_lock)
            retired = [.. _retiredUfrags];
        foreach (var ufrag in retired)
            _registry.UnregisterUfrag(ufrag, this);
        foreach (var address in addresses)
            _registry.UnregisterAddress(address, this);
        dtls?.Dispose();
        srtp?.Dispose();
        _listener.OnTransportStateChanged(this, MediaConnectionState.Closed);
    }

}
