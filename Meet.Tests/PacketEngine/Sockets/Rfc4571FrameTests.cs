using System.Buffers;
using FsCheck;
using FsCheck.Fluent;
using Meet.PacketEngine.Sockets.Internal;

namespace Meet.Tests.PacketEngine.Sockets;

public sealed class Rfc4571FrameTests
{
    [Test]
    public void Frame_round_trips_through_write_and_parse()
    {
        var payload = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        var buffer = new byte[Rfc4571Frame.GetSerializedSize(payload.Length)];

        Rfc4571Frame.TryWrite(payload, buffer, out var written).Should().BeTrue();
        Rfc4571Frame.TryParse(buffer, out var parsed, out var consumed).Should().BeTrue();

        written.Should().Be(302);
        buffer[0].Should().Be(0x01);
        buffer[1].Should().Be(0x2C);
        consumed.Should().Be(302);
        parsed.ToArray().Should().Equal(payload);
    }

    [Test]
    public void Frame_truncated_at_every_length_is_incomplete()
    {
        var frame = new byte[] { 0x00, 0x05, 1, 2, 3, 4, 5 };

        for (var length = 0; length < frame.Length; length++)
            Rfc4571Frame.TryParse(frame.AsSpan(0, length), out _, out _).Should().BeFalse("{0} bytes are not a whole frame", length);
    }

    [Test]
    public void Writing_into_a_short_buffer_or_an_oversized_payload_fails()
    {
        Rfc4571Frame.TryWrite(new byte[10], new byte[11], out _).Should().BeFalse();
        Rfc4571Frame.TryWrite(new byte[70_000], new byte[70_002], out _).Should().BeFalse();
    }

    [Test]
    public void Length_prefix_is_peeked_across_segments_without_consuming()
    {
        var first = new Segment(new byte[] { 0x04 });
        var last = first.Append(new byte[] { 0xB0, 0xAA });
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(first, 0, last, 2));

        Rfc4571Frame.TryPeekLength(reader, out var length).Should().BeTrue();

        length.Should().Be(1200);
        reader.Consumed.Should().Be(0);
    }

    [FsCheck.NUnit.Property]
    public Property Random_bytes_never_throw_and_a_parsed_frame_fits_the_input() =>
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            var ok = Rfc4571Frame.TryParse(bytes, out var payload, out var consumed);
            return !ok || (consumed == payload.Length + 2 && consumed <= bytes.Length);
        });

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
