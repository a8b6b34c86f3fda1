using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Tests.Media.Protocols.Rtp;

// RFC 2198 block headers as Chromium writes them around Opus: the primary block is found behind any
// number of redundant blocks; malformed headers are refused, never read past.
public sealed class RedPayloadTests
{
    [Test]
    public void The_primary_block_follows_one_redundant_block()
    {
        // F=1 PT 111, timestamp offset 960, length 3; then F=0 PT 111; then 3 redundant bytes, 2 primary.
        byte[] payload = [0x80 | 111, 960 >> 6, (960 & 0x3F) << 2, 3, 111, 0xA1, 0xA2, 0xA3, 0xB1, 0xB2];
        RedPayload.TryGetPrimary(payload, out var payloadType, out var offset).Should().BeTrue();
        payloadType.Should().Be(111);
        payload[offset..].Should().Equal(0xB1, 0xB2);
    }

    [Test]
    public void Without_redundancy_the_primary_follows_the_one_byte_header()
    {
        byte[] payload = [111, 0xB1];
        RedPayload.TryGetPrimary(payload, out var payloadType, out var offset).Should().BeTrue();
        (payloadType, offset).Should().Be((111, 1));
    }

    [TestCase(new byte[0], TestName = "Empty RED payload")]
    [TestCase(new byte[] { 0x80 | 111, 0, 0 }, TestName = "Truncated redundant header")]
    [TestCase(new byte[] { 0x80 | 111, 0, 0, 0 }, TestName = "No final header")]
    [TestCase(new byte[] { 0x80 | 111, 0, 0x03, 0xFF, 111, 1, 2 }, TestName = "Redundant block longer than the payload")]
    public void Malformed_red_is_refused(byte[] payload) =>
        RedPayload.TryGetPrimary(payload, out _, out _).Should().BeFalse();

    [Test]
    public void Random_bytes_never_throw_and_never_point_past_the_payload()
    {
        var random = new Random(2198);
        for (var i = 0; i < 20_000; i++)
        {
            var payload = new byte[random.Next(0, 64)];
            random.NextBytes(payload);
            if (RedPayload.TryGetPrimary(payload, out _, out var offset))
                offset.Should().BeInRange(1, payload.Length);
        }
    }
}
