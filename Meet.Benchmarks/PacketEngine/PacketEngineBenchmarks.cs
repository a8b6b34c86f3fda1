using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Meet.PacketEngine;

namespace Meet.Benchmarks.PacketEngine;

// Every engine of PacketEngineBenchmarkCases through the public contract, 1,200-byte datagrams in
// bursts of 8 to one destination (the SFU's shape: several packets of one video frame to one
// subscriber), loopback only.
//   Send:    the benchmark thread sends bursts; the engine's receive loop drains concurrently.
//   Forward: send a burst and wait until the receiving channel has delivered all of it.
// Mean is per datagram. Extra columns: Mpps on the wall clock; for Send also Mpps per core, measured
// in GlobalSetup over one second of sending outside BenchmarkDotNet's loop (whose overhead runs would
// otherwise count): datagrams delivered to the receiver per CPU-second of the whole process (sender,
// receive loop and the kernel work both do); both as ratios to the plain socket loop
// (SendTo/ReceiveFrom). Forward has no per-core figure: its waiting thread spins on purpose.
//   dotnet run -c Release --project Meet.Benchmarks -- --filter '*PacketEngineBenchmarks*' --job short
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
        MeasureSendCpu(TimeSpan.FromSeconds(1));
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

    private void MeasureSendCpu(TimeSpan duration)
    {
        // Warm up (JIT, socket buffers), then measure.
        for (var i = 0; i < 10_000; i++)
            _sender.Send(_batch);
        WaitForDrain();
        var process = Process.GetCurrentProcess();
        var receivedBefore = _receiver.Count;
        var cpuBefore = process.TotalProcessorTime;
        var senderBefore = ThreadCpuSeconds();
        var clock = Stopwatch.StartNew();
        long sent = 0;
        while (clock.Elapsed < duration)
            sent += _sender.Send(_batch);
        var senderCpu = ThreadCpuSeconds() - senderBefore;
        WaitForDrain();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        PacketEngineCpuReport.Write(Engine, nameof(Send), new(cpu.TotalSeconds, senderCpu, sent, _receiver.Count - receivedBefore, 0));
    }

    // CPU time of the calling thread (utime + stime from /proc/thread-self/stat, in USER_HZ ticks).
    // On loopback the sender's thread also runs the kernel's receive path up to the socket queue,
    // exactly as the sendto reference figure does; the rest of the process is the engine's
    // receive side (recvmmsg or ReceiveFrom plus delivery).
    private static double ThreadCpuSeconds()
    {
        if (!File.Exists("/proc/thread-self/stat"))
            return double.NaN;
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // Fields after the command name start at field 3 (state); utime and stime are 14 and 15.
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
    }

    // Lets the receive loop finish what is still queued (it blocks, using no CPU, once idle).
    private void WaitForDrain()
    {
        long seen;
        do
        {
            seen = _receiver.Count;
            Thread.Sleep(20);
        }
        while (_receiver.Count != seen);
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
