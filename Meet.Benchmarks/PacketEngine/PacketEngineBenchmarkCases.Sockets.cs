using Meet.PacketEngine;
using Meet.PacketEngine.Sockets;

namespace Meet.Benchmarks.PacketEngine;

public static partial class PacketEngineBenchmarkCases
{
    private static readonly PacketAddress Loopback = PacketAddress.FromIPv4(0x7F00_0001, 0);

    static partial void AddSocketsCases(List<PacketEngineBenchmarkCase> cases)
    {
        // One receive loop each: the figures are per core, and loopback traffic from one sender
        // hashes to one SO_REUSEPORT socket anyway.
        cases.Add(new(Baseline, () => SocketsPacketEngineFactory.Create(new SocketsPacketEngineOptions
        {
            ReceiveLoops = 1, UseRecvMmsg = false, UseSendMmsg = false, UseGso = false,
        }), Loopback));
        cases.Add(new("Sockets batched", () => SocketsPacketEngineFactory.Create(new SocketsPacketEngineOptions
        {
            ReceiveLoops = 1, UseGso = false,
        }), Loopback));
        cases.Add(new("Sockets GSO", () => SocketsPacketEngineFactory.Create(new SocketsPacketEngineOptions
        {
            ReceiveLoops = 1,
        }), Loopback));
    }
}
