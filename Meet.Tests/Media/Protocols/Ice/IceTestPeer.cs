using System.Net;
using Meet.Modules.Media.Protocols.Stun;
using Meet.PacketEngine;

namespace Meet.Tests.Media.Protocols.Ice;

// Builds binding requests the way a browser would, for driving the ICE-lite agent directly.
internal static class IceTestPeer
{
    public static readonly PacketAddress Client = PacketAddress.FromEndPoint(IPEndPoint.Parse("127.0.0.1:50000"));
    public static readonly PacketAddress OtherClientPath = PacketAddress.FromEndPoint(IPEndPoint.Parse("127.0.0.2:50002"));

    public static byte[] Check(string username, string password, bool useCandidate = false, bool controlled = false,
        bool priority = true, bool integrity = true, bool fingerprint = true, ushort extraAttribute = 0)
    {
        var buffer = new byte[512];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, StunTransactionId.NewRandom());
        writer.AddUsername(System.Text.Encoding.ASCII.GetBytes(username));
        if (priority)
            writer.AddPriority(0x6e0001ff);
        if (controlled)
            writer.AddIceControlled(1);
        else
            writer.AddIceControlling(0x1234);
        if (useCandidate)
            writer.AddUseCandidate();
        if (extraAttribute != 0)
            writer.AddAttribute((StunAttributeType)extraAttribute, [1, 2, 3, 4]);
        if (integrity)
            writer.AddMessageIntegrity(System.Text.Encoding.ASCII.GetBytes(password));
        if (fingerprint)
            writer.AddFingerprint();
        writer.TryComplete(out var written).Should().BeTrue();
        return buffer[..written];
    }
}
