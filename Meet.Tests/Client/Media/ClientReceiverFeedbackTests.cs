using System.Buffers.Binary;
using Meet.Modules.Client.Media;
using Meet.Modules.Media.Protocols.Rtcp;
using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Tests.Client.Media;

[TestFixture]
public sealed class ClientReceiverFeedbackTests
{
    private const uint Ours = 0x20000001;
    private const uint Media = 0xCAFE0001;
    private const int TransportCcId = 3;

    // What the SFU offers a subscriber: VP8 with RTX 97, transport-cc on id 3.
    private const string Offer = """
        v=0
        o=- 1 1 IN IP4 127.0.0.1
        s=-
        t=0 0
        m=video 9 UDP/TLS/RTP/SAVPF 96 97
        c=IN IP4 0.0.0.0
        a=mid:0
        a=sendonly
        a=rtpmap:96 VP8/90000
        a=rtpmap:97 rtx/90000
        a=fmtp:97 apt=96
        a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01

        """;

    [Test]
    public void A_sequence_gap_is_nacked_and_reported_lost_in_the_receiver_report()
    {
        var feedback = NewFeedback();
        Receive(feedback, Media, 100);
        Receive(feedback, Media, 101);
        Receive(feedback, Media, 104);

        var (blocks, nacked) = ReadReport(feedback);

        blocks.Should().ContainSingle();
        blocks[0].Ssrc.Should().Be(Media);
        blocks[0].CumulativeLost.Should().Be(2);
        blocks[0].ExtendedHighestSequence.Should().Be(104u);
        blocks[0].FractionLost.Should().Be((byte)(2 * 256 / 5));
        nacked.Should().Equal((Media, (ushort)102), (Media, (ushort)103));
        feedback.NacksSent.Should().Be(2);
    }

    [Test]
    public void An_rtx_answer_fills_its_gap_and_is_not_nacked_again()
    {
        var feedback = NewFeedback();
        Receive(feedback, Media, 10);
        Receive(feedback, Media, 12);
        ReadReport(feedback).Nacked.Should().Equal((Media, (ushort)11));

        // RFC 4588 §4: RTX on its own SSRC and payload type, the original sequence number first.
        Span<byte> payload = stackalloc byte[20];
        BinaryPrimitives.WriteUInt16BigEndian(payload, 11);
        feedback.OnRtp(Packet(0xCAFE0002, 500, 97, payload)).Should().BeFalse("a retransmission is not an original packet");

        feedback.RetransmissionsReceived.Should().Be(1);
        feedback.Recovered.Should().Be(1);
        feedback.WriteReport(new byte[1200]).Should().Be(0, "no gap is left and the last report was just sent");
    }

    [Test]
    public void Without_gaps_receiver_reports_go_once_a_second()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var feedback = new ClientReceiverFeedback(Ours, time);
        Receive(feedback, Media, 1);
        var buffer = new byte[1200];

        feedback.WriteReport(buffer).Should().BePositive("the first report goes at once");
        Receive(feedback, Media, 2);
        time.Advance(TimeSpan.FromMilliseconds(500));
        feedback.WriteReport(buffer).Should().Be(0);
        time.Advance(TimeSpan.FromMilliseconds(600));
        feedback.WriteReport(buffer).Should().BePositive();
        feedback.ReportsSent.Should().Be(2);
    }

    [Test]
    public void A_gap_is_asked_for_three_times_then_given_up()
    {
        var feedback = NewFeedback();
        Receive(feedback, Media, 1);
        Receive(feedback, Media, 3);

        for (var i = 0; i < 3; i++)
            ReadReport(feedback).Nacked.Should().Equal((Media, (ushort)2));
        // The fourth round gives the gap up; with nothing left to ask the next report waits its second.
        ReadReport(feedback).Nacked.Should().BeEmpty();
        feedback.GivenUp.Should().Be(1);
        feedback.WriteReport(new byte[1200]).Should().Be(0);
        feedback.NacksSent.Should().Be(3);
    }

    [Test]
    public void Sequence_numbers_wrap_without_a_false_gap()
    {
        var feedback = NewFeedback();
        Receive(feedback, Media, 65534);
        Receive(feedback, Media, 65535);
        Receive(feedback, Media, 0);
        Receive(feedback, Media, 1);

        var (blocks, nacked) = ReadReport(feedback);
        nacked.Should().BeEmpty();
        blocks[0].CumulativeLost.Should().Be(0);
        blocks[0].ExtendedHighestSequence.Should().Be(65536u + 1);
    }

    [Test]
    public void Transport_wide_sequence_numbers_are_answered_with_transport_cc_feedback()
    {
        var feedback = NewFeedback();
        for (ushort i = 0; i < 5; i++)
            Receive(feedback, Media, (ushort)(200 + i), transportSequence: (ushort)(7 + i));

        var buffer = new byte[1200];
        var length = feedback.WriteTransportFeedback(buffer);

        length.Should().BePositive();
        RtcpHeader.TryParse(buffer.AsSpan(0, length), out var header).Should().BeTrue();
        header.PacketType.Should().Be(RtcpPacketType.TransportFeedback);
        header.Count.Should().Be(15, "transport-cc is RTPFB FMT 15");
        RtcpTransportFeedback.TryParse(buffer.AsSpan(0, length), out var parsed).Should().BeTrue();
        parsed.BaseSequenceNumber.Should().Be(7);
        parsed.PacketStatusCount.Should().Be(5);
        feedback.WriteTransportFeedback(buffer).Should().Be(0, "everything was reported");
    }

    [Test]
    public void Without_an_offer_nothing_is_taken_for_rtx_or_transport_cc()
    {
        var feedback = new ClientReceiverFeedback(Ours);
        feedback.OnRtp(Packet(Media, 1, 97, new byte[20])).Should().BeTrue();
        feedback.WriteTransportFeedback(new byte[1200]).Should().Be(0);
    }

    [Test]
    public void Random_bytes_never_throw()
    {
        var feedback = NewFeedback();
        var random = new Random(14);
        var buffer = new byte[1200];
        for (var i = 0; i < 5_000; i++)
        {
            var packet = new byte[random.Next(0, 80)];
            random.NextBytes(packet);
            if (packet.Length > 0 && random.Next(2) == 0)
                packet[0] = (byte)(0x80 | (packet[0] & 0x1f));
            feedback.OnRtp(packet);
        }
        feedback.Invoking(f => f.WriteReport(buffer)).Should().NotThrow();
        feedback.Invoking(f => f.WriteTransportFeedback(buffer)).Should().NotThrow();
    }

    // A clock that never moves unless told: "once a second" cannot depend on how loaded the machine is.
    private static ClientReceiverFeedback NewFeedback()
    {
        var feedback = new ClientReceiverFeedback(Ours, new Microsoft.Extensions.Time.Testing.FakeTimeProvider());
        feedback.OnOffer(Offer.ReplaceLineEndings("\r\n"));
        return feedback;
    }

    private static void Receive(ClientReceiverFeedback feedback, uint ssrc, ushort sequence, ushort? transportSequence = null) =>
        feedback.OnRtp(Packet(ssrc, sequence, 96, new byte[100], transportSequence)).Should().BeTrue();

    private static byte[] Packet(uint ssrc, ushort sequence, byte payloadType, ReadOnlySpan<byte> payload, ushort? transportSequence = null)
    {
        var buffer = new byte[1500];
        var writer = new RtpPacketWriter(buffer, payloadType, sequence, 90u * sequence, ssrc);
        if (transportSequence is { } value)
        {
            Span<byte> element = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(element, value);
            writer.AddExtension(TransportCcId, element);
        }
        writer.TryComplete(payload, 0, out var length).Should().BeTrue();
        return buffer[..length];
    }

    // The compound must start with the RR (RFC 3550 §6.1); NACKs follow, one per media SSRC.
    private static (List<RtcpReportBlock> Blocks, List<(uint Ssrc, ushort Sequence)> Nacked) ReadReport(ClientReceiverFeedback feedback)
    {
        var buffer = new byte[1200];
        var length = feedback.WriteReport(buffer);
        length.Should().BePositive();
        var blocks = new List<RtcpReportBlock>();
        var nacked = new List<(uint, ushort)>();
        var reader = new RtcpCompoundReader(buffer.AsSpan(0, length));
        Span<ushort> lost = stackalloc ushort[RtcpNackItem.MaxSequenceNumbers];
        var first = true;
        while (reader.MoveNext())
        {
            if (first)
            {
                reader.Current.PacketType.Should().Be(RtcpPacketType.ReceiverReport);
                RtcpReceiverReport.TryParse(reader.CurrentPacket, out var report).Should().BeTrue();
                report.SenderSsrc.Should().Be(Ours);
                for (var i = 0; i < report.ReportCount; i++)
                    blocks.Add(report.GetReportBlock(i));
                first = false;
                continue;
            }
            RtcpNack.TryParse(reader.CurrentPacket, out var nack).Should().BeTrue();
            for (var i = 0; i < nack.ItemCount; i++)
            {
                var count = nack.GetItem(i).CopyLostTo(lost);
                foreach (var sequence in lost[..count])
                    nacked.Add((nack.MediaSsrc, sequence));
            }
        }
        reader.IsMalformed.Should().BeFalse();
        return (blocks, nacked);
    }
}
