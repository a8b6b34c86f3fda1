using Meet.PacketEngine.Dpdk.Frames;

namespace Meet.Tests.PacketEngine.Dpdk.Frames;

public class MacAddressTests
{
    [TestCase("02:00:5e:10:00:ff")]
    [TestCase("ff:ff:ff:ff:ff:ff")]
    public void Text_round_trips(string text)
    {
        MacAddress.TryParse(text, out var mac).Should().BeTrue();
        mac.ToString().Should().Be(text);
    }

    [Test]
    public void Dashes_are_accepted()
    {
        MacAddress.TryParse("02-00-00-00-00-01", out var mac).Should().BeTrue();
        mac.Value.Should().Be(0x02_00_00_00_00_01UL);
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("02:00:00:00:00")]
    [TestCase("02:00:00:00:00:0g")]
    [TestCase("02.00.00.00.00.01")]
    public void Malformed_text_is_refused(string? text)
    {
        MacAddress.TryParse(text, out _).Should().BeFalse();
    }

    [Test]
    public void Bytes_round_trip_in_network_order()
    {
        Span<byte> bytes = stackalloc byte[6];
        new MacAddress(0x0A_0B_0C_0D_0E_0FUL).Write(bytes);
        bytes.ToArray().Should().Equal(0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F);
        MacAddress.Read(bytes).Value.Should().Be(0x0A_0B_0C_0D_0E_0FUL);
    }

    [Test]
    public void Group_bit_marks_multicast_and_broadcast()
    {
        MacAddress.Broadcast.IsBroadcast.Should().BeTrue();
        MacAddress.Broadcast.IsMulticast.Should().BeTrue();
        new MacAddress(0x33_33_00_00_00_16UL).IsMulticast.Should().BeTrue();
        new MacAddress(0x02_00_00_00_00_01UL).IsMulticast.Should().BeFalse();
    }
}
