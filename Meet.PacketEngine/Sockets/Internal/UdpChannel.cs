using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Meet.PacketEngine.Sockets.Internal;

// One UDP port served by several SO_REUSEPORT sockets, each drained by its own receive thread.
// Receive threads block in the kernel (recvmmsg with MSG_WAITFORONE, or ReceiveFrom), so an idle
// channel costs no CPU; shutdown() wakes them and SO_RCVTIMEO bounds the wait if it does not.
internal sealed partial class UdpChannel : IPacketChannel
{
    // Upper bound on how long a blocked receive thread takes to notice shutdown if shutdown() did
    // not wake it; shutdown() normally does (Linux wakes readers even on unconnected UDP sockets).
    private const int IdleReceiveTimeoutMs = 500;
    private const int SO_RCVBUFFORCE = 33;
    private const int SO_SNDBUFFORCE = 32;

    private readonly SocketsPacketEngine _engine;
    private readonly IPacketReceiver _receiver;
    private readonly IHoldingPacketReceiver? _holdingReceiver;
    private readonly ILogger _logger;
    private readonly Socket[] _sockets;
    private readonly Thread[] _threads;
    private readonly Socket _sendSocket;
    private readonly bool _ipv6Socket;
    private readonly bool _useSendMmsg;
    private readonly int _maxGsoSegments;
    private volatile bool _gsoEnabled;
    private int _state;
    private int _receiverFaultLogged;

    private enum State
    {
        Running,
        Stopping,
        Closed,
    }

    private UdpChannel(SocketsPacketEngine engine, Socket[] sockets, IPacketReceiver receiver, SocketsPacketEngineOptions options, ILogger logger)
    {
        _engine = engine;
        _sockets = sockets;
        _receiver = receiver;
        _holdingReceiver = receiver as IHoldingPacketReceiver;
        _logger = logger;
        _sendSocket = sockets[0];
        _ipv6Socket = _sendSocket.AddressFamily == AddressFamily.InterNetworkV6;
        LocalAddress = PacketAddress.FromEndPoint((IPEndPoint)_sendSocket.LocalEndPoint!);
        _useSendMmsg = options.UseSendMmsg && Native.IsSupported;
        _gsoEnabled = _useSendMmsg && options.UseGso && Native.ProbeUdpGso(_sendSocket.SafeHandle);
        _maxGsoSegments = options.MaxGsoSegments;
        var useRecvMmsg = options.UseRecvMmsg && Native.IsSupported;

        _threads = new Thread[sockets.Length];
        for (var i = 0; i < sockets.Length; i++)
        {
            ThreadStart loop = useRecvMmsg
                ? new MmsgReceiveLoop(this, sockets[i], options.BatchSize, options.SlotSize, options.KernelReceiveTimestamps).Run
                : new ManagedReceiveLoop(this, sockets[i], options.SlotSize).Run;
            _threads[i] = new Thread(loop) { IsBackground = true, Name = $"meet-udp-rx-{LocalAddress.Port}-{i}" };
        }
        SocketsLog.UdpChannelBound(logger, LocalAddress, sockets.Length,
            useRecvMmsg ? "recvmmsg" : "ReceiveFrom", _useSendMmsg ? "sendmmsg" : "SendTo", _gsoEnabled);
    }

    public PacketAddress LocalAddress { get; }

    public PacketProtocol Protocol => PacketProtocol.Udp;

    public PacketChannelCounters Counters { get; } = new();

    internal bool GsoEnabled => _gsoEnabled;

    internal Socket SendSocket => _sendSocket;

    internal bool Stopping => Volatile.Read(ref _state) != (int)State.Running;

    public static UdpChannel Bind(SocketsPacketEngine engine, PacketAddress localAddress, IPacketReceiver receiver,
        SocketsPacketEngineOptions options, ILogger logger)
    {
        // SO_REUSEPORT load-balances datagrams only on Linux (elsewhere the option means something else).
        var loops = OperatingSystem.IsLinux() ? options.EffectiveReceiveLoops : 1;
        var sockets = new List<Socket>(loops);
        try
        {
            // Port 0: the first socket picks the port, the others join its SO_REUSEPORT group.
            var first = CreateSocket(localAddress, loops > 1, options);
            sockets.Add(first);
            var bound = PacketAddress.FromEndPoint((IPEndPoint)first.LocalEndPoint!);
            for (var i = 1; i < loops; i++)
                sockets.Add(CreateSocket(localAddress.WithPort(bound.Port), reusePort: true, options));
            var channel = new UdpChannel(engine, [.. sockets], receiver, options, logger);
            channel.Start();
            return channel;
        }
        catch
        {
            foreach (var socket in sockets)
                socket.Dispose();
            throw;
        }
    }

    private static Socket CreateSocket(PacketAddress localAddress, bool reusePort, SocketsPacketEngineOptions options)
    {
        var endPoint = localAddress.ToEndPoint();
        var socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6 && endPoint.Address.Equals(IPAddress.IPv6Any))
                socket.DualMode = true;
            if (reusePort)
                socket.SetRawSocketOption(Native.SolSocket, Native.SoReusePort, BitConverter.GetBytes(1));
            if (options.ReceiveBufferSize > 0)
                SetBuffer(socket, SO_RCVBUFFORCE, SocketOptionName.ReceiveBuffer, options.ReceiveBufferSize);
            if (options.SendBufferSize > 0)
                SetBuffer(socket, SO_SNDBUFFORCE, SocketOptionName.SendBuffer, options.SendBufferSize);
            socket.ReceiveTimeout = IdleReceiveTimeoutMs;
            socket.Bind(endPoint);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    // SO_RCVBUF is capped by net.core.rmem_max (208 KiB by default, ~90 datagrams of 1,200 B):
    // the FORCE variant lifts the cap when the process has CAP_NET_ADMIN.
    private static void SetBuffer(Socket socket, int forceOption, SocketOptionName option, int size)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                socket.SetRawSocketOption(Native.SolSocket, forceOption, BitConverter.GetBytes(size));
                return;
            }
            catch (SocketException)
            {
            }
        }
        socket.SetSocketOption(SocketOptionLevel.Socket, option, size);
    }

    private void Start()
    {
        foreach (var thread in _threads)
            thread.Start();
    }

    internal void Deliver(PacketBatch batch)
    {
        try
        {
            _receiver.OnReceived(this, batch);
        }
        catch (Exception ex)
        {
            Counters.AddDrop(DropReason.ReceiverFault, batch.Count);
            if (Interlocked.Exchange(ref _receiverFaultLogged, 1) == 0)
                SocketsLog.ReceiverThrew(_logger, LocalAddress, ex);
        }
    }

    // The recvmmsg loop's delivery: a holding receiver may keep its sends until the deadline returned
    // (0 = nothing held); the loop calls ExpireHold by then.
    internal long DeliverHolding(PacketBatch batch)
    {
        if (_holdingReceiver is null)
        {
            Deliver(batch);
            return 0;
        }
        try
        {
            return _holdingReceiver.OnReceivedHolding(this, batch);
        }
        catch (Exception ex)
        {
            Counters.AddDrop(DropReason.ReceiverFault, batch.Count);
            if (Interlocked.Exchange(ref _receiverFaultLogged, 1) == 0)
                SocketsLog.ReceiverThrew(_logger, LocalAddress, ex);
            // Whatever the receiver still holds leaves now rather than wait for a deadline it never named.
            return ExpireHold();
        }
    }

    // Always 0: the hold is over, whether or not the receiver's send threw.
    internal long ExpireHold()
    {
        try
        {
            _holdingReceiver?.OnHoldExpired(this);
        }
        catch (Exception ex)
        {
            if (Interlocked.Exchange(ref _receiverFaultLogged, 1) == 0)
                SocketsLog.ReceiverThrew(_logger, LocalAddress, ex);
        }
        return 0;
    }

    internal void ReportReceiveError(int errno)
    {
        if (!Stopping)
            SocketsLog.ReceiveFailed(_logger, LocalAddress, errno);
    }

    public async ValueTask DisposeAsync()
    {
        // Only the first caller stops the loops; receive threads and senders see Stopping at once.
        if (!TryTransition(State.Running, State.Stopping))
            return;
        foreach (var socket in _sockets)
        {
            try
            {
                socket.Shutdown(SocketShutdown.Receive);
            }
            catch (SocketException)
            {
                // ENOTCONN on an unconnected UDP socket, but Linux has already woken the readers.
            }
        }
        // A receiver may dispose its own channel from inside OnReceived: never wait for that thread.
        var caller = Thread.CurrentThread;
        await Task.Run(() =>
        {
            foreach (var thread in _threads)
            {
                if (thread != caller)
                    thread.Join(IdleReceiveTimeoutMs * 4);
            }
        }).ConfigureAwait(false);
        foreach (var socket in _sockets)
            socket.Dispose();
        TryTransition(State.Stopping, State.Closed);
        _engine.Remove(this);
    }

    private bool TryTransition(State from, State to) =>
        Interlocked.CompareExchange(ref _state, (int)to, (int)from) == (int)from;

    private static int LastErrno() => Marshal.GetLastPInvokeError();
}
