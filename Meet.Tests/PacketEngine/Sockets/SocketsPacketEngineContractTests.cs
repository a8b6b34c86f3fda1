using Meet.PacketEngine;
using Meet.PacketEngine.Sockets;

namespace Meet.Tests.PacketEngine.Sockets;

public enum SocketsPath
{
    Plain,
    Batched,
    Gso,
}

[TestFixture(SocketsPath.Plain)]
[TestFixture(SocketsPath.Batched)]
[TestFixture(SocketsPath.Gso)]
public sealed class SocketsPacketEngineContractTests(SocketsPath path) : PacketEngineContractTests
{
    internal static SocketsPacketEngineOptions OptionsFor(SocketsPath path) => path switch
    {
        SocketsPath.Plain => new() { ReceiveLoops = 1, UseRecvMmsg = false, UseSendMmsg = false, UseGso = false },
        SocketsPath.Batched => new() { ReceiveLoops = 1, UseGso = false },
        // Two SO_REUSEPORT loops here, so the contract also holds with several receive threads.
        _ => new() { ReceiveLoops = 2 },
    };

    protected override IPacketEngine CreateEngine() => SocketsPacketEngineFactory.Create(OptionsFor(path));
}
