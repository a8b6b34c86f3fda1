using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Meet.PacketEngine;
using Meet.PacketEngine.Sockets;
using Meet.PacketEngine.Sockets.Internal;

namespace Meet.Benchmarks.PacketEngine;

// The kernel's own cost, without the engine, for the engine rows to be compared with in the same
// run (the reference points: sendto ≈ 2.4 µs per 1,200 B datagram on loopback, UDP GSO
// ≈ 0.6 µs per segment). Raw syscalls on a bare socket into the same receiving channel as the
// engine rows (recvmmsg), so the receive side costs the same. Same method name and columns as
// PacketEngineBenchmarks, so `--join` puts them in one table.
[MemoryDiagnoser]
[Config(typeof(PacketEngineBenchmarkConfig))]
public unsafe class SocketsKernelReferenceBenchmarks
{
    public const string PerDatagram = "Kernel sendmmsg(1)";
    public const string Gso = "Kernel GSO";

    private const int Burst = PacketEngineBenchmarks.Burst;
    private const int DatagramSize = PacketEngineBenchmarks.DatagramSize;

    private IPacketEngine _engine = null!;
    private Counter _received = null!;
    private Socket _socket = null!;
    private byte[] _payload = null!;
    private Native.MMsgHdr[] _messages = null!;
    private Native.MMsgHdr[] _gsoMessage = null!;
    private Native.IoVec[] _iovecs = null!;
    private byte[] _name = null!;
    private byte[] _control = null!;

    [Params(PerDatagram, Gso)]
    public string Engine { get; set; } = PerDatagram;

    [GlobalSetup]
    public void Setup()
    {
        _engine = SocketsPacketEngineFactory.Create(new SocketsPacketEngineOptions { ReceiveLoops = 1 });
        _received = new Counter();
        var sink = _engine.Bind(PacketAddress.FromIPv4(0x7F00_0001, 0), PacketProtocol.Udp, _received);
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _payload = GC.AllocateArray<byte>(DatagramSize * Burst, pinned: true);
        _name = GC.AllocateArray<byte>(Native.SockaddrSlotSize, pinned: true);
        var nameLength = (uint)sink.LocalAddress.WriteSockaddr(_name);
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
            _messages[i].Header.NameLength = nameLength;
            _messages[i].Header.Iov = (Native.IoVec*)Unsafe.AsPointer(ref _iovecs[i]);
            _messages[i].Header.IovLength = 1;
        }
        // One message: all 8 iovecs, cut into 1,200-byte datagrams by UDP_SEGMENT.
        _gsoMessage = GC.AllocateArray<Native.MMsgHdr>(1, pinned: true);
        _gsoMessage[0].Header.Name = Unsafe.AsPointer(ref _name[0]);
        _gsoMessage[0].Header.NameLength = nameLength;
        _gsoMessage[0].Header.Iov = (Native.IoVec*)Unsafe.AsPointer(ref _iovecs[0]);
        _gsoMessage[0].Header.IovLength = Burst;
        _gsoMessage[0].Header.Control = cmsg;
        _gsoMessage[0].Header.ControlLength = Native.GsoCmsgSpace;
        PacketEngineCpuMeasurement.Run(Engine, nameof(Send), Send, () => _received.Count, TimeSpan.FromSeconds(1));
    }

    [Benchmark(OperationsPerInvoke = Burst)]
    public int Send()
    {
        if (Engine == Gso)
            return Native.SendMmsg(_socket.SafeHandle, Pointer(_gsoMessage), 1, 0) * Burst;
        var messages = Pointer(_messages);
        var sent = 0;
        for (var i = 0; i < Burst; i++)
            sent += Native.SendMmsg(_socket.SafeHandle, messages + i, 1, 0);
        return sent;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _socket.Dispose();
        _engine.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
    }

    private static Native.MMsgHdr* Pointer(Native.MMsgHdr[] pinned) =>
        (Native.MMsgHdr*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));

    private sealed class Counter : IPacketReceiver
    {
        private long _count;

        public long Count => Volatile.Read(ref _count);

        public void OnReceived(IPacketChannel channel, PacketBatch batch) => Interlocked.Add(ref _count, batch.Count);
    }
}
