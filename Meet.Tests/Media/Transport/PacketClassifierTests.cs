using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Transport;

namespace Meet.Tests.Media.Transport;

[TestFixture]
public sealed class PacketClassifierTests
{
    [TestCase(new byte[] { 0x00, 0x01, 0x00, 0x00 }, "Stun")]
    [TestCase(new byte[] { 0x03, 0x00, 0x00, 0x00 }, "Stun")]
    [TestCase(new byte[] { 22, 0xFE, 0xFD, 0x00 }, "Dtls")]
    [TestCase(new byte[] { 63, 0xFE, 0xFD, 0x00 }, "Dtls")]
    [TestCase(new byte[] { 0x80, 96, 0x00, 0x01 }, "Rtp")]
    [TestCase(new byte[] { 0x80, 0x80 | 96, 0x00, 0x01 }, "Rtp")]
    [TestCase(new byte[] { 0x81, 200, 0x00, 0x06 }, "Rtcp")]
    [TestCase(new byte[] { 0x81, 206, 0x00, 0x02 }, "Rtcp")]
    [TestCase(new byte[] { 0x04, 0x00, 0x00, 0x00 }, "Unknown")]
    [TestCase(new byte[] { 64, 0x00, 0x00, 0x00 }, "Unknown")]
    [TestCase(new byte[] { 192, 0x00, 0x00, 0x00 }, "Unknown")]
    [TestCase(new byte[] { 0x80, 96, 0x00 }, "Unknown")]
    public void First_byte_ranges_follow_rfc_7983(byte[] packet, string expected) =>
        PacketClassifier.Classify(packet).ToString().Should().Be(expected);

    [Test]
    public void Random_bytes_never_throw() => Prop.ForAll<byte[]>(bytes =>
    {
        var kind = PacketClassifier.Classify(bytes ?? []);
        return Enum.IsDefined(kind);
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
}
