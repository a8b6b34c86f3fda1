using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Tests.Media.Protocols.Rtp;

public class RtpPacketWriterTests
{
    [Test]
    public void Writes_the_chrome_opus_packet_byte_for_byte()
    {
        var buffer = new byte[64];
        var writer = new RtpPacketWriter(buffer, 111, 0x1a2b, 0x3c00, 0x11223344);
        writer.AddExtension(1, [0x9e]);
        writer.AddExtension(3, [0x01, 0x02]);
        writer.AddExtension(4, "0"u8);

        writer.TryComplete([0xfc, 0xff, 0xfe], 0, out var written).Should().BeTrue();

        buffer[..written].Should().Equal(RtpHeaderTests.ChromeOpus);
    }

    [Test]
    public void Packet_round_trips() => Prop.ForAll<int>(seed =>
    {
        var random = new Random(seed);
        var twoByte = random.Next(2) == 0;
        var payloadType = (byte)random.Next(128);
        var marker = random.Next(2) == 0;
        var sequence = (ushort)random.Next(65536);
        var timestamp = (uint)random.NextInt64(uint.MaxValue + 1L);
        var ssrc = (uint)random.NextInt64(uint.MaxValue + 1L);
        var csrcs = Enumerable.Range(0, random.Next(16)).Select(_ => (uint)random.Next()).ToArray();
        var extensions = Enumerable.Range(0, random.Next(5))
            .Select(i => (Id: twoByte ? random.Next(1, 256) : i + 1,
                Value: RandomBytes(random, twoByte ? random.Next(0, 40) : random.Next(1, 17))))
            .GroupBy(e => e.Id).Select(g => g.First()).ToArray();
        var payload = RandomBytes(random, random.Next(0, 1200));
        var padding = random.Next(3) == 0 ? random.Next(1, 256) : 0;

        var buffer = new byte[1600];
        var writer = new RtpPacketWriter(buffer, payloadType, sequence, timestamp, ssrc, marker, twoByte);
        foreach (var csrc in csrcs)
            writer.AddCsrc(csrc);
        foreach (var (id, value) in extensions)
            writer.AddExtension(id, value);
        writer.TryComplete(payload, padding, out var written).Should().BeTrue();

        var packet = buffer.AsSpan(0, written);
        RtpHeader.TryParse(packet, out var header).Should().BeTrue();
        header.PayloadType.Should().Be(payloadType);
        header.Marker.Should().Be(marker);
        header.SequenceNumber.Should().Be(sequence);
        header.Timestamp.Should().Be(timestamp);
        header.Ssrc.Should().Be(ssrc);
        Enumerable.Range(0, header.CsrcCount).Select(i => header.GetCsrc(buffer.AsSpan(0, written), i)).Should().Equal(csrcs);
        header.PaddingLength.Should().Be(padding);
        header.GetPayload(packet).ToArray().Should().Equal(payload);
        var parsed = new List<(int, byte[])>();
        var enumerator = header.GetExtensions(packet);
        while (enumerator.MoveNext())
            parsed.Add((enumerator.CurrentId, enumerator.CurrentValue.ToArray()));
        parsed.Select(p => p.Item1).Should().Equal(extensions.Select(e => e.Id));
        for (var i = 0; i < parsed.Count; i++)
            parsed[i].Item2.Should().Equal(extensions[i].Value);
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));

    [Test]
    public void Too_small_buffer_fails_at_every_size()
    {
        var full = new byte[128];
        var size = Build(full);
        size.Should().BeGreaterThan(0);
        for (var length = 0; length < size; length++)
            Build(new byte[length]).Should().Be(-1, $"buffer of {length}");

        static int Build(Span<byte> buffer)
        {
            var writer = new RtpPacketWriter(buffer, 96, 1, 2, 3);
            writer.AddCsrc(9);
            writer.AddExtension(2, "abc"u8);
            return writer.TryComplete([1, 2, 3, 4, 5], 3, out var written) ? written : -1;
        }
    }

    [Test]
    public void Out_of_range_one_byte_extension_is_a_programming_error()
    {
        var buffer = new byte[64];
        var act15 = () => { var w = new RtpPacketWriter(buffer, 96, 1, 2, 3); w.AddExtension(15, [1]); };
        var act17 = () => { var w = new RtpPacketWriter(buffer, 96, 1, 2, 3); w.AddExtension(1, new byte[17]); };
        var csrcAfter = () => { var w = new RtpPacketWriter(buffer, 96, 1, 2, 3); w.AddExtension(1, [1]); w.AddCsrc(1); };

        act15.Should().Throw<ArgumentOutOfRangeException>();
        act17.Should().Throw<ArgumentOutOfRangeException>();
        csrcAfter.Should().Throw<InvalidOperationException>();
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
