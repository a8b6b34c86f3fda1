using BenchmarkDotNet.Attributes;

namespace Meet.Benchmarks.PacketEngine;

/// <summary>
/// DPDK through the C# contract, 1,200-byte datagrams, one core. BenchmarkDotNet runs each vdev in
/// its own process, which the one-EAL-per-process rule needs anyway. One operation = one packet
/// sent and received (a 32-packet burst each way per invoke).
///   dotnet run -c Release --project Meet.Benchmarks -- --filter '*DpdkPacketEngine*' --job short
/// </summary>
[MemoryDiagnoser]
public class DpdkPacketEngineBenchmarks
{
    private DpdkBenchmarkHarness _harness = null!;
    private readonly Lock _lock = new();

    [Params("net_null0,size=1242", "net_ring0")]
    public string Vdev { get; set; } = "net_ring0";

    [GlobalSetup]
    public void Setup() => _harness = new DpdkBenchmarkHarness(Vdev);

    [GlobalCleanup]
    public void Cleanup() => _harness.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = DpdkBenchmarkHarness.Burst)]
    public int SendAndReceive() => _harness.Step();

    [Benchmark(Baseline = true, OperationsPerInvoke = DpdkBenchmarkHarness.Burst)]
    public int ShimOnly() => _harness.StepShimOnly();

    // What serialising the tx queue costs a sender: one uncontended lock per burst of 32.
    [Benchmark(OperationsPerInvoke = DpdkBenchmarkHarness.Burst)]
    public int TxLockPerBurst()
    {
        lock (_lock)
            return 1;
    }
}
