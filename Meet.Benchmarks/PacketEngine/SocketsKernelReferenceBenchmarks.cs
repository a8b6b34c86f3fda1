using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Meet.PacketEngine;
using Meet.PacketEngine.Sockets;
using Meet.PacketEngine.Sockets.Internal;

namespace Meet.Benchmarks.PacketEngine;

// The kernel's own cost, without the engine, for the engine rows to be compared with in the same
// run (the reference points: sendto ≈ 2.4 µs per 1,200 B datagram on loopback, UDP GSO
// ≈ 0.6 µs per segment). Prepared sendmmsg messages are sent from a bare socket into the same
// receiving channel as the engine rows (recvmmsg), so the receive side costs the same. Same method
// name and columns as PacketEngineBenchmarks, so `--join` puts them in one table.
[MemoryDiagnoser]
[Config(typeof(PacketEngineBenchmarkConfig))]
public class SocketsKernelReferenceBenchmarks
{
    public const string PerDatagram = "Kernel sendmmsg(1)";
    public const string Gso = "Kernel GSO";

    private const int Burst = PacketEngineBenchmarks.Burst;

    private IPacketEngine _engine = null!;
    private Counter _received = null!;
    private Socket _socket = null!;
    private Native.SendMessages _messages = null!;
    // Kept reachable: the prepared messages point into its pinned buffer.
    private PacketBatch _batch = null!;

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
        var batch = _batch = new PacketBatch(Burst);
        for (var i = 0; i < Burst; i++)
            batch.TryAdd(new byte[PacketEngineBenchmarks.DatagramSize], sink.LocalAddress);
        // Built once: the benchmark then measures nothing but the syscalls.
        _messages = new Native.SendMessages();
        if (Engine == Gso)
        {
            _messages.Add(batch, 0, Burst, sink.LocalAddress, asIPv6: false);
        }
        else
        {
            for (var i = 0; i < Burst; i++)
                _messages.Add(batch, i, 1, sink.LocalAddress, asIPv6: false);
        }
        PacketEngineCpuMeasurement.Run(Engine, nameof(Send), Send, () => _received.Count, TimeSpan.FromSeconds(1));
    }

    [Benchmark(OperationsPerInvoke = Burst)]
    public int Send()
    {
        if (_messages.Count == 1)
            return _messages.Send(_socket.SafeHandle, 0, 1) * Burst;
        var sent = 0;
        for (var i = 0; i < Burst; i++)
            sent += _messages.Send(_socket.SafeHandle, i, 1);
        return sent;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _socket.Dispose();
        _engine.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
    }

    private sealed class Counter : IPacketReceiver
    {
        private long _count;

        public long Count => Volatile.Read(ref _count);

        public void OnReceived(IPacketChannel channel, PacketBatch batch) => Interlocked.Add(ref _count, batch.Count);
    }
}
