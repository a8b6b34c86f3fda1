using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Meet.PacketEngine;
using Meet.PacketEngine.Sockets;
using Meet.PacketEngine.Sockets.Internal;

namespace Meet.Benchmarks.PacketEngine;

// The kernel's own cost, without the engine: what PacketEngineBenchmarks.Send is compared with
// (the reference points: sendto ≈ 2.4 µs per 1,200 B datagram on loopback, UDP GSO ≈ 0.6 µs
// per segment). Raw syscalls on a bare socket, into the same receiving channel as the engine rows,
// so the kernel's receive path costs the same. Mean is per datagram.
[MemoryDiagnoser]
public unsafe class SocketsKernelReferenceBenchmarks
{
    private const int Burst = PacketEngineBenchmarks.Burst;
    private const int DatagramSize = PacketEngineBenchmarks.DatagramSize;

    private IPacketEngine _engine = null!;
    private Socket _socket = null!;
    private byte[] _payload = null!;
    private Native.MMsgHdr[] _messages = null!;
    private Native.IoVec[] _iovecs = null!;
    private byte[] _name = null!;
    private byte[] _control = null!;

    [GlobalSetup]
    public void Setup()
    {
        _engine = SocketsPacketEngineFactory.Create(new SocketsPacketEngineOptions { ReceiveLoops = 1 });
        var sink = _engine.Bind(PacketAddress.FromIPv4(0x7F00_0001, 0), PacketProtocol.Udp, new Discard());
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _payload = GC.AllocateArray<byte>(DatagramSize * Burst, pinned: true);
        _name = GC.AllocateArray<byte>(Native.SockaddrSlotSize, pinned: true);
        var nameLength = sink.LocalAddress.WriteSockaddr(_name);
        _control = GC.AllocateArray<byte>(Native.GsoCmsgSpace, pinned: true);
        var cmsg = (Native.CmsgHdr*)Unsafe.AsPointer(ref _control[0]);
        cmsg->Length = Native.GsoCmsgLength;
        cmsg->Level = Native.SolUdp;
        cmsg->Type = Native.UdpSegment;
        *(ushort*)(cmsg + 1) = DatagramSize;
        _iovecs = GC.AllocateArray<Native.IoVec>(Burst, pinned: true);
        _messages = GC.AllocateArray<Native.MMsgHdr>(Burst, pinned: true);
        for (var i = 0; i < Burst; i++)
        {
            _iovecs[i].Base = Unsafe.AsPointer(ref _payload[i * DatagramSize]);
            _iovecs[i].Length = DatagramSize;
            _messages[i].Header.Name = Unsafe.AsPointer(ref _name[0]);
            _messages[i].Header.NameLength = (uint)nameLength;
            _messages[i].Header.Iov = (Native.IoVec*)Unsafe.AsPointer(ref _iovecs[i]);
            _messages[i].Header.IovLength = 1;
        }
    }

    [Benchmark(OperationsPerInvoke = Burst)]
    public int KernelSendPerDatagram()
    {
        var messages = (Native.MMsgHdr*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_messages));
        var sent = 0;
        for (var i = 0; i < Burst; i++)
            sent += Native.SendMmsg(_socket.SafeHandle, messages + i, 1, 0);
        return sent;
    }

    [Benchmark(OperationsPerInvoke = Burst)]
    public int KernelGsoBurst()
    {
        // One message: all 8 iovecs, cut into 1,200-byte datagrams by UDP_SEGMENT.
        var message = new Native.MMsgHdr();
        message.Header.Name = Unsafe.AsPointer(ref _name[0]);
        message.Header.NameLength = _messages[0].Header.NameLength;
        message.Header.Iov = (Native.IoVec*)Unsafe.AsPointer(ref _iovecs[0]);
        message.Header.IovLength = Burst;
        message.Header.Control = Unsafe.AsPointer(ref _control[0]);
        message.Header.ControlLength = Native.GsoCmsgSpace;
        return Native.SendMmsg(_socket.SafeHandle, &message, 1, 0) * Burst;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _socket.Dispose();
        _engine.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
    }

    private sealed class Discard : IPacketReceiver
    {
        public void OnReceived(IPacketChannel channel, PacketBatch batch)
        {
        }
    }
}
