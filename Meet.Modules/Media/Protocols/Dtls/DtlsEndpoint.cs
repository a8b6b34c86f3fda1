using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Meet.Modules.Media.Protocols.Dtls;

// One DTLS-SRTP association, driven by datagrams pushed in from outside (the packet engine owns the
// socket). BouncyCastle's handshake is blocking, so it runs on a worker of the shared, bounded
// DtlsHandshakeScheduler, pulling from a bounded queue fed by Feed(). Once connected no thread is kept:
// Feed() itself drains the queue through the record layer, which decrypts application data (SCTP for
// data channels) for ApplicationDataReceived, answers a peer's retransmitted final flight and notices
// close_notify.
public sealed class DtlsEndpoint : IDisposable
{
    // How long a drain waits inside BouncyCastle for the rest of a record it already holds; a datagram
    // that carries no application data (a retransmitted Finished) costs at most this, once.
    private const int DrainWaitMillis = 1;

    private readonly DtlsEndpointOptions _options;
    private readonly DtlsHandshakeContext _handshake;
    private readonly DtlsDatagramQueue _queue;
    private readonly TaskCompletionSource<DtlsHandshakeResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly Lock _sendGate = new();
    private readonly Lock _receiveGate = new();
    private byte[]? _receiveBuffer;
    private Timer? _watchdog;
    private DtlsTransport? _transport;
    private DtlsState _state = DtlsState.New;

    public DtlsEndpoint(DtlsEndpointOptions options, DtlsSendCallback send)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(send);
        options.Validate();
        _options = options;
        _handshake = new DtlsHandshakeContext(options);
        _queue = new DtlsDatagramQueue(options.ReceiveQueueCapacity, options.MaxReceiveDatagramSize, options.MaxDatagramSize, send, Counters);
    }

    public DtlsRole Role => _options.Role;

    public DtlsFingerprint LocalFingerprint => _options.Certificate.Fingerprint;

    public DtlsCounters Counters { get; } = new();

    public DtlsState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    // Completes once, with success (keys) or a typed failure; never faults.
    public Task<DtlsHandshakeResult> Completion => _completion.Task;

    public Task<DtlsHandshakeResult> Start()
    {
        if (!TransitionTo(DtlsState.Handshaking))
        {
            throw new InvalidOperationException($"The endpoint cannot start from state {State}.");
        }

        DtlsHandshakeStatistics.OnStarted();
        _ = Completion.ContinueWith(static t => DtlsHandshakeStatistics.OnCompleted(t.Result.Succeeded), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        DtlsHandshakeScheduler.Enqueue(RunGuarded, Role);
        return Completion;
    }

    // Returns false when the datagram is not accepted (not DTLS, queue full, closed, or a stray ClientHello).
    public bool Feed(ReadOnlySpan<byte> datagram)
    {
        Counters.IncrementDatagramsFed();
        if (!DtlsRecordHeader.IsDtls(datagram))
        {
            Counters.IncrementDroppedNotDtls();
            return false;
        }

        // A ClientHello after the handshake is someone else's new association (or a replay): it must not
        // disturb the established one. WebRTC starts a new association only with a new endpoint.
        if (State == DtlsState.Connected && DtlsRecordHeader.IsClientHello(datagram))
        {
            Counters.IncrementIgnoredClientHellos();
            return false;
        }

        if (!_queue.Enqueue(datagram))
        {
            return false;
        }

        if (State == DtlsState.Connected)
        {
            DrainApplicationData();
        }

        return true;
    }

    // Encrypts and sends one application-data record. False before the handshake or after close.
    public bool TrySend(ReadOnlySpan<byte> data)
    {
        DtlsTransport? transport;
        lock (_gate)
        {
            transport = _state == DtlsState.Connected ? _transport : null;
        }

        if (transport is null || data.Length > transport.GetSendLimit())
        {
            return false;
        }

        try
        {
            lock (_sendGate)
            {
                transport.Send(data);
            }
        }
        catch (IOException e)
        {
            _handshake.RecordFailure(DtlsFailureReason.ProtocolError, e.Message);
            TransitionTo(DtlsState.Failed);
            return false;
        }

        Counters.IncrementApplicationRecordsSent();
        return true;
    }

    public void Dispose()
    {
        DtlsTransport? transport;
        lock (_gate)
        {
            transport = _state == DtlsState.Connected ? _transport : null;
            TransitionTo(DtlsState.Closed);
        }

        _handshake.RecordFailure(DtlsFailureReason.Closed, "The endpoint was disposed.");
        _watchdog?.Dispose();
        if (transport is not null)
        {
            // Sends close_notify (RFC 5246 §7.2.1) before closing the queue underneath.
            lock (_sendGate)
            {
                try
                {
                    transport.Close();
                }
                catch (IOException)
                {
                }
            }
        }

        _queue.Close();
        _completion.TrySetResult(DtlsHandshakeResult.Failure(DtlsFailureReason.Closed, "The endpoint was disposed."));
    }

    private void OnHandshakeDeadline()
    {
        if (State == DtlsState.Handshaking
            && _handshake.RecordFailure(DtlsFailureReason.Timeout, $"The handshake did not complete within {_options.HandshakeTimeout.TotalSeconds:0.###} s."))
        {
            _queue.Close();
        }
    }

    // Top of the DTLS thread: whatever a hostile peer makes BouncyCastle (or a callback) throw must end
    // this association only, never the process.
    private void RunGuarded()
    {
        if (State != DtlsState.Handshaking)
        {
            // Disposed while it waited for a worker.
            return;
        }

        // BouncyCastle enforces the same limit between flights; this timer also covers a peer that never
        // sends anything (BouncyCastle only checks its deadline when a receive wait expires). It starts
        // when a worker takes the handshake, not while it waits in the queue: a join storm delays
        // handshakes, it must not fail them (the peer retransmits meanwhile, RFC 6347 §4.2.4).
        _watchdog = new Timer(static s => ((DtlsEndpoint)s!).OnHandshakeDeadline(), this, _options.HandshakeTimeout, Timeout.InfiniteTimeSpan);
        try
        {
            Run();
        }
        catch (Exception e)
        {
            _watchdog?.Dispose();
            RecordFailureFrom(e);
            TransitionTo(DtlsState.Failed);
            _queue.Close();
            _completion.TrySetResult(DtlsHandshakeResult.Failure(_handshake.Failure, _handshake.FailureDetail));
        }
    }

    private void Run()
    {
        DtlsTransport transport;
        try
        {
            var crypto = new BcTlsCrypto(new SecureRandom());
            transport = Role == DtlsRole.Server
                ? new DtlsServerProtocol().Accept(new DtlsSrtpServer(crypto, _handshake), _queue)
                : new DtlsClientProtocol().Connect(new DtlsSrtpClient(crypto, _handshake), _queue);
        }
        catch (Exception e) when (e is IOException or TlsException or InvalidOperationException or ArgumentException)
        {
            _watchdog?.Dispose();
            RecordFailureFrom(e);
            TransitionTo(DtlsState.Failed);
            _queue.Close();
            _completion.TrySetResult(DtlsHandshakeResult.Failure(_handshake.Failure, _handshake.FailureDetail));
            return;
        }

        _watchdog?.Dispose();
        lock (_gate)
        {
            // The deadline watchdog may have fired while BouncyCastle was finishing; its verdict stands.
            if (_state != DtlsState.Handshaking || _handshake.Failure != DtlsFailureReason.None
                || _handshake.Keys is null || _handshake.PeerFingerprint is null)
            {
                TransitionTo(DtlsState.Failed);
                _queue.Close();
                _completion.TrySetResult(DtlsHandshakeResult.Failure(_handshake.Failure, _handshake.FailureDetail ?? "The handshake ended without keys."));
                return;
            }

            _transport = transport;
            TransitionTo(DtlsState.Connected);
        }

        _completion.TrySetResult(DtlsHandshakeResult.Success(_handshake.Keys, _handshake.PeerFingerprint));
        // Records that arrived while BouncyCastle was finishing; from now on Feed() drains. The worker
        // goes back to the scheduler.
        DrainApplicationData();
    }

    // Runs on whichever thread fed the datagram (the packet engine's receive loop); one at a time per
    // association. A thread that finds another draining leaves: that one loops until the queue is empty.
    private void DrainApplicationData()
    {
        while (_queue.HasPending && State == DtlsState.Connected)
        {
            if (!_receiveGate.TryEnter())
            {
                return;
            }

            try
            {
                while (_queue.HasPending && State == DtlsState.Connected)
                {
                    ReceiveOne();
                }
            }
            catch (Exception e)
            {
                // Whatever a hostile peer makes BouncyCastle (or the data callback) throw ends this
                // association only — never the packet engine's receive loop that fed the datagram.
                RecordFailureFrom(e);
                TransitionTo(DtlsState.Failed);
                _queue.Close();
            }
            finally
            {
                _receiveGate.Exit();
            }
        }
    }

    private void ReceiveOne()
    {
        DtlsTransport? transport;
        lock (_gate)
        {
            transport = _state == DtlsState.Connected ? _transport : null;
        }

        if (transport is null)
        {
            return;
        }

        _receiveBuffer ??= new byte[transport.GetReceiveLimit()];
        int received;
        try
        {
            received = transport.Receive(_receiveBuffer, 0, _receiveBuffer.Length, DrainWaitMillis);
        }
        catch (TlsTimeoutException)
        {
            return;
        }
        catch (IOException e)
        {
            // BouncyCastle closes the transport itself when close_notify arrives, so the receive lands
            // here; a closed queue without close_notify means we were disposed.
            if (_handshake.PeerClosed)
            {
                TransitionTo(DtlsState.Closed);
            }
            else if (!_queue.IsClosed)
            {
                RecordFailureFrom(e);
                TransitionTo(DtlsState.Failed);
            }

            _queue.Close();
            return;
        }

        if (received >= 0)
        {
            Counters.IncrementApplicationRecordsReceived();
            _options.ApplicationDataReceived?.Invoke(_receiveBuffer.AsSpan(0, received));
        }

        if (_handshake.PeerClosed)
        {
            TransitionTo(DtlsState.Closed);
            _queue.Close();
        }
    }

    private void RecordFailureFrom(Exception e)
    {
        // The most specific reason was recorded where it was detected (fingerprint, profile, alert,
        // deadline); these only fill in when nothing was.
        switch (e)
        {
            case TlsTimeoutException:
                _handshake.RecordFailure(DtlsFailureReason.Timeout, e.Message);
                break;
            case TlsFatalAlertReceived received:
                _handshake.RecordFailure(DtlsFailureReason.PeerAlert, $"The peer sent a fatal alert: {AlertDescription.GetText(received.AlertDescription)}.");
                break;
            case DtlsTransportClosedException:
                _handshake.RecordFailure(DtlsFailureReason.Closed, e.Message);
                break;
            default:
                _handshake.RecordFailure(DtlsFailureReason.ProtocolError, e.Message);
                break;
        }
    }

    // The only place the state changes. Failed and Closed are terminal.
    private bool TransitionTo(DtlsState next)
    {
        lock (_gate)
        {
            bool allowed = (_state, next) switch
            {
                (DtlsState.New, DtlsState.Handshaking or DtlsState.Closed) => true,
                (DtlsState.Handshaking, DtlsState.Connected or DtlsState.Failed or DtlsState.Closed) => true,
                (DtlsState.Connected, DtlsState.Failed or DtlsState.Closed) => true,
                _ => false,
            };
            if (allowed)
            {
                _state = next;
            }

            return allowed;
        }
    }
}
