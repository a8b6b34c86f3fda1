using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Meet.PacketEngine;

namespace Meet.Benchmarks.PacketEngine;

// Every engine of PacketEngineBenchmarkCases through the public contract, 1,200-byte datagrams in
// bursts of 8 to one destination (the SFU's shape: several packets of one video frame to one
// subscriber), loopback only.
//   Send:    the benchmark thread sends bursts; the engine's receive loop drains concurrently.
//   Forward: send a burst and wait until the receiving channel has delivered all of it.
// Mean is per datagram. Extra columns: Mpps on the wall clock, Mpps per core from the process CPU
// time over the whole run (all threads: sender, receive loop and the kernel work they do), and
// both as ratios to the plain socket loop (Send/ReceiveFrom).
//   dotnet run -c Release --project Meet.Benchmarks -- --filter '*PacketEngineBenchmarks*' --job short
[MemoryDiagnoser]
[Config(typeof(PacketEngineBenchmarkConfig))]
public class PacketEngineBenchmarks
{
    public const int Burst = 8;
    public const int DatagramSize = 1200;
    private static readonly long LossTimeout = Stopwatch.Frequency / 20;

    private IPacketEngine _engine = null!;
    private IPacketChannel _sender = null!;
    private IPacketChannel _receiverChannel = null!;
    private CountingReceiver _receiver = null!;
    private PacketBatch _batch = null!;
    private TimeSpan _cpuAtStart;
    private long _sent;
    private long _lostBursts;
    private string _method = "";

    [ParamsSource(nameof(EngineNames))]
    public string Engine { get; set; } = PacketEngineBenchmarkCases.Baseline;

    public static IEnumerable<string> EngineNames => PacketEngineBenchmarkCases.All.Select(c => c.Name);

    [GlobalSetup(Target = nameof(Send))]
    public void SetupSend() => Setup(nameof(Send));

    [GlobalSetup(Target = nameof(Forward))]
    public void SetupForward() => Setup(nameof(Forward));

    private void Setup(string method)
    {
        _method = method;
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
        _cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
    }

    [Benchmark(OperationsPerInvoke = Burst)]
    public int Send()
    {
        var sent = _sender.Send(_batch);
        _sent += sent;
        return sent;
    }

    [Benchmark(OperationsPerInvoke = Burst)]
    public long Forward()
    {
        var target = _receiver.Count + Burst;
        _sent += _sender.Send(_batch);
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

    [GlobalCleanup]
    public void Cleanup()
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart;
        PacketEngineCpuReport.Write(Engine, _method, cpu.TotalSeconds, _sent, _receiver.Count, _lostBursts);
        _engine.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
    }

    private sealed class CountingReceiver : IPacketReceiver
    {
        private long _count;

        public long Count => Volatile.Read(ref _count);

        public void OnReceived(IPacketChannel channel, PacketBatch batch) => Interlocked.Add(ref _count, batch.Count);
    }
}
