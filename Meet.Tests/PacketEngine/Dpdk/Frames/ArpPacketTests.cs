using FsCheck;
using FsCheck.Fluent;
using Meet.PacketEngine.Dpdk.Frames;

namespace Meet.Tests.PacketEngine.Dpdk.Frames;

public class ArpPacketTests
{
    private static readonly ArpPacket Request = new(ArpPacket.OperationRequest, new MacAddress(0x02_00_00_00_00_02), 0x0A630002, default, 0x0A630001);

    // An ARP request for 10.99.0.1 from 10.99.0.2 at 02:00:00:00:00:02, as the kernel sends it.
    private static readonly byte[] Captured =
    [
        0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
        0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 10, 99, 0, 2,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 10, 99, 0, 1,
    ];

    [Test]
    public void Captured_request_parses()
    {
        ArpPacket.TryParse(Captured, out var arp).Should().BeTrue();
        arp.Should().Be(Request);
    }

    [Test]
    public void Round_trips()
    {
        var bytes = new byte[Request.GetSerializedSize()];
        Request.TryWrite(bytes, out var written).Should().BeTrue();
        written.Should().Be(28);
        bytes.Should().Equal(Captured);
    }

    [Test]
    public void Truncated_at_every_length_is_refused()
    {
        for (var length = 0; length < Captured.Length; length++)
            ArpPacket.TryParse(Captured.AsSpan(0, length), out _).Should().BeFalse($"length {length}");
    }

    [TestCase(0, 0x00)] // hardware type 0x0001 → 0x0001 with high byte changed below
    [TestCase(2, 0x86)] // protocol type IPv6
    [TestCase(4, 0x08)] // hardware length 8
    [TestCase(5, 0x10)] // protocol length 16
    public void Other_hardware_or_protocol_types_are_refused(int offset, byte value)
    {
        var bytes = Captured.ToArray();
        bytes[offset] = value == 0 ? (byte)0x01 : value;
        ArpPacket.TryParse(bytes, out _).Should().BeFalse();
    }

    [Test]
    public void Random_bytes_never_throw() =>
        Prop.ForAll<byte[]>(bytes =>
        {
            ArpPacket.TryParse(bytes, out _);
            return true;
        }).QuickCheckThrowOnFailure();
}
