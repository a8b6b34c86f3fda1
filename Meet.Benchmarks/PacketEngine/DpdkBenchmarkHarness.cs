using Meet.PacketEngine;
using Meet.PacketEngine.Dpdk;
using Meet.PacketEngine.Dpdk.Frames;

namespace Meet.Benchmarks.PacketEngine;

/// <summary>
/// One engine driven from the calling thread (no poll thread): each step sends a burst of
/// 1,200-byte datagrams to the engine's own address and polls one rx burst, so a packet is counted
/// once sent and once received — "rx+tx per core". The thread that ran rte_eal_init is the EAL main
/// lcore, so the benchmark thread has its mempool cache like the poll thread would.
/// </summary>
internal sealed unsafe class DpdkBenchmarkHarness : IAsyncDisposable
{
    public const int PayloadSize = 1200;
    public const int Burst = 32;

    private readonly string _prefix;
    private readonly IPacketChannel _channel;
    private readonly PacketBatch _batch = new(Burst);
    private readonly byte[] _floorHeaders = GC.AllocateArray<byte>(Burst * FrameWriter.UdpHeadersSize, pinned: true);
    private readonly nint[] _floorPayloads = GC.AllocateArray<nint>(Burst, pinned: true);
    private readonly int[] _floorLengths = GC.AllocateArray<int>(Burst, pinned: true);
    private readonly nint[] _floorMbufs = GC.AllocateArray<nint>(Burst, pinned: true);
    private readonly nint[] _floorData = GC.AllocateArray<nint>(Burst, pinned: true);
    private readonly int[] _floorRxLengths = GC.AllocateArray<int>(Burst, pinned: true);

    public DpdkBenchmarkHarness(string vdev, bool udpChecksum = true)
    {
        _prefix = $"meet-bench-{Environment.ProcessId}";
        Engine = DpdkPacketEngine.Start(new DpdkPacketEngineOptions
        {
            EalArgs = DpdkSelfTest.EalArgs(_prefix, vdev),
            LocalIp = "10.99.3.1",
            // net_null reports a zero MAC; any fixed one works since frames go to ourselves.
            LocalMac = "02:00:00:00:03:01",
            UdpChecksum = udpChecksum,
            RxBurst = Burst,
        }, startPollThread: false);
        _channel = Engine.Bind(PacketAddress.FromIPv4(0, 5004), PacketProtocol.Udp, Receiver);
        var payload = DpdkSelfTest.Pattern(PayloadSize, 1);
        for (var i = 0; i < Burst; i++)
            _batch.TryAdd(payload, _channel.LocalAddress);
        for (var i = 0; i < Burst; i++)
        {
            FrameWriter.TryWriteUdpHeaders(_floorHeaders.AsSpan(i * FrameWriter.UdpHeadersSize), Engine.LocalMac, Engine.LocalMac,
                Engine.LocalIp, 5004, Engine.LocalIp, 5004, payload, udpChecksum, out _);
            _floorPayloads[i] = (nint)_batch.GetSlotPointer(i);
            _floorLengths[i] = PayloadSize;
        }
    }

    /// <summary>
    /// The floor: the same frames through the shim's tx and rx bursts with no C# protocol work
    /// (headers prebuilt once, received frames released unread) — what "through a shim" costs.
    /// </summary>
    public int StepShimOnly()
    {
        fixed (byte* headers = _floorHeaders)
        fixed (nint* payloads = _floorPayloads)
        fixed (int* lengths = _floorLengths)
        fixed (nint* mbufs = _floorMbufs)
        fixed (nint* data = _floorData)
        fixed (int* rxLengths = _floorRxLengths)
        {
            var sent = Native.TxBurst(Engine.PortId, 0, headers, FrameWriter.UdpHeadersSize, (byte**)payloads, lengths, Burst);
            var received = Native.RxPeek(Engine.PortId, 0, mbufs, (byte**)data, rxLengths, Burst);
            Native.RxRelease(mbufs, (ushort)Math.Max(received, 0));
            FloorSent += sent;
            FloorReceived += received;
            return sent + received;
        }
    }

    public long FloorSent { get; private set; }

    public long FloorReceived { get; private set; }

    public DpdkPacketEngine Engine { get; }

    public CountingReceiver Receiver { get; } = new();

    public PacketChannelCounters Counters => _channel.Counters;

    /// <returns>Datagrams sent plus frames received in this step.</returns>
    public int Step() => _channel.Send(_batch) + Engine.PollOnce();

    public ValueTask DisposeAsync()
    {
        _channel.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
        var directory = Path.Combine("/var/run/dpdk", _prefix);
        if (Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    internal sealed class CountingReceiver : IPacketReceiver
    {
        public long Packets;
        public long Bytes;

        public void OnReceived(IPacketChannel channel, PacketBatch batch)
        {
            Packets += batch.Count;
            for (var i = 0; i < batch.Count; i++)
                Bytes += batch.GetLength(i);
        }
    }
}
