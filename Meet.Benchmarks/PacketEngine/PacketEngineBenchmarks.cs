using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Meet.PacketEngine;

namespace Meet.Benchmarks.PacketEngine;

// Every engine of PacketEngineBenchmarkCases through the public contract, 1,200-byte datagrams in
// bursts of 8 to one destination (the SFU's shape: several packets of one video frame to one
// subscriber), loopback only.
//   Send:    the benchmark thread sends bursts; the engine's receive loop drains concurrently.
//   Forward: send a burst and wait until the receiving channel has delivered all of it.
// Mean is per datagram. Extra columns (PacketEngineBenchmarkConfig): Mpps on the wall clock; for Send
// also the CPU figures of PacketEngineCpuMeasurement: Mpps per core (datagrams delivered per
// CPU-second of the whole process) and its split into sender and receive side; rates as ratios to
// the plain socket loop (SendTo/ReceiveFrom). Forward has no CPU figures: its waiting thread spins.
// Run together with the kernel reference rows, joined into one table:
//   dotnet run -c Release --project Meet.Benchmarks -- \
//     --filter '*PacketEngineBenchmarks*' '*SocketsKernelReferenceBenchmarks*' --join --job short
[MemoryDiagnoser]
[Config(typeof(PacketEngineBenchmarkConfig))]
public class PacketEngineBenchmarks
{
    public const int Burst = 8;
    public const int DatagramSize = 1200;
    private static readonly long LossTimeout = Stopwatch.Frequency / 5;

    private IPacketEngine _engine = null!;
    private IPacketChannel _sender = null!;
    private IPacketChannel _receiverChannel = null!;
    private CountingReceiver _receiver = null!;
    private PacketBatch _batch = null!;
    private long _lostBursts;

    [ParamsSource(nameof(EngineNames))]
    public string Engine { get; set; } = PacketEngineBenchmarkCases.Baseline;

    public static IEnumerable<string> EngineNames => PacketEngineBenchmarkCases.All.Select(c => c.Name);

    [GlobalSetup(Target = nameof(Send))]
    public void SetupSend()
    {
        Setup();
        PacketEngineCpuMeasurement.Run(Engine, nameof(Send), Send, () => _receiver.Count, TimeSpan.FromSeconds(1));
    }

    [GlobalSetup(Target = nameof(Forward))]
    public void SetupForward() => Setup();

    private void Setup()
    {
        var benchmarkCase = PacketEngineBenchmarkCases.Get(Engine);
        _engine = benchmarkCase.CreateEngine();
        _receiver = new CountingReceiver();
        _receiverChannel = _engine.Bind(benchmarkCase.BindAddress, PacketProtocol.Udp, _receiver);
        _sender = _engine.Bind(benchmarkCase.BindAddress, PacketProtocol.Udp, new CountingReceiver());
        _batch = new PacketBatch(Burst);
        for (var i = 0; i < Burst; i++)
        {
            var slot = _batch.GetNextSlot()[..DatagramSize];
            slot.Fill((byte)i);
            _batch.Commit(DatagramSize, _receiverChannel.LocalAddress);
        }
    }

    [Benchmark(OperationsPerInvoke = Burst)]
    public int Send() => _sender.Send(_batch);

    [Benchmark(OperationsPerInvoke = Burst)]
    public long Forward()
    {
        var target = _receiver.Count + Burst;
        _sender.Send(_batch);
        var spin = new SpinWait();
        var deadline = Stopwatch.GetTimestamp() + LossTimeout;
        while (_receiver.Count < target)
        {
            // Never Sleep(1): that would measure the scheduler, not the engine.
            spin.SpinOnce(sleep1Threshold: -1);
            if (spin.Count % 64 == 0 && Stopwatch.GetTimestamp() > deadline)
            {
                _lostBursts++;
                break;
            }
        }
        return _receiver.Count;
    }

    [GlobalCleanup(Target = nameof(Forward))]
    public void CleanupForward()
    {
        PacketEngineCpuReport.Write(Engine, nameof(Forward), new(double.NaN, double.NaN, 0, 0, _lostBursts));
        Cleanup();
    }

    [GlobalCleanup(Target = nameof(Send))]
    public void Cleanup() => _engine.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));

    private sealed class CountingReceiver : IPacketReceiver
    {
        private long _count;

        public long Count => Volatile.Read(ref _count);

        public void OnReceived(IPacketChannel channel, PacketBatch batch) => Interlocked.Add(ref _count, batch.Count);
    }
}
