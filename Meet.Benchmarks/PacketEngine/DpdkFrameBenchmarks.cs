using BenchmarkDotNet.Attributes;
using Meet.PacketEngine;
using Meet.PacketEngine.Dpdk.Frames;

namespace Meet.Benchmarks.PacketEngine;

/// <summary>
/// The per-packet C# work of the DPDK backend without the EAL, 1,200-byte payloads:
///   dotnet run -c Release --project Meet.Benchmarks -- --filter '*DpdkFrame*' --job short
/// </summary>
[MemoryDiagnoser]
public class DpdkFrameBenchmarks
{
    private static readonly MacAddress Mac = new(0x02_00_00_00_00_01);
    private const uint Ip = 0x0A000001;
    private readonly byte[] _payload = DpdkSelfTest.Pattern(1200, 1);
    private readonly byte[] _frame = new byte[1242];
    private readonly byte[] _frameNoUdpChecksum = new byte[1242];
    private readonly byte[] _headers = new byte[42];
    private readonly byte[] _copy = new byte[1200];
    private readonly PacketBatch _batch = new(32);

    [GlobalSetup]
    public void Setup()
    {
        FrameWriter.TryWriteUdpHeaders(_frame, Mac, Mac, Ip, 5004, Ip, 5004, _payload, true, out _);
        _payload.CopyTo(_frame, 42);
        FrameWriter.TryWriteUdpHeaders(_frameNoUdpChecksum, Mac, Mac, Ip, 5004, Ip, 5004, _payload, false, out _);
        _payload.CopyTo(_frameNoUdpChecksum, 42);
    }

    [Benchmark(Baseline = true)]
    public void CopyPayload() => _payload.AsSpan().CopyTo(_copy);

    [Benchmark]
    public ushort Checksum1200() => InternetChecksum.Compute(_payload);

    [Benchmark]
    public bool WriteHeadersWithUdpChecksum() =>
        FrameWriter.TryWriteUdpHeaders(_headers, Mac, Mac, Ip, 5004, Ip, 5004, _payload, true, out _);

    [Benchmark]
    public bool WriteHeadersWithoutUdpChecksum() =>
        FrameWriter.TryWriteUdpHeaders(_headers, Mac, Mac, Ip, 5004, Ip, 5004, _payload, false, out _);

    [Benchmark]
    public int ReadFrame() => (int)FrameReader.Read(_frame, Mac, Ip, out _, out _, out _);

    [Benchmark]
    public int ReadFrameWithoutUdpChecksum() => (int)FrameReader.Read(_frameNoUdpChecksum, Mac, Ip, out _, out _, out _);

    [Benchmark]
    public bool AddToBatch()
    {
        if (_batch.IsFull)
            _batch.Clear();
        return _batch.TryAdd(_payload, default);
    }
}
