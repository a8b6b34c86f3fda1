using BenchmarkDotNet.Attributes;
using Meet.Modules.Media.Protocols.Rtcp;

namespace Meet.Benchmarks.Protocols;

// A receiver's compound as the SFU gets it from Chrome: RR with one block, SDES CNAME, REMB,
// a NACK and a transport-cc feedback for 40 packets.
[MemoryDiagnoser]
public class RtcpBenchmarks
{
    private byte[] _compound = [];

    [GlobalSetup]
    public void Setup()
    {
        var buffer = new byte[1500];
        var offset = 0;
        RtcpReportBlock[] blocks = [new(0x11223344, 3, 10, 0x1_0064, 20, 0xa1b2c3d4, 1000)];
        new RtcpReceiverReport(1, blocks).TryWrite(buffer.AsSpan(offset), out var written);
        offset += written;
        new RtcpSdes(1, "AbCdEfGhIjKlMnOp"u8).TryWrite(buffer.AsSpan(offset), out written);
        offset += written;
        uint[] ssrcs = [0x11223344];
        new RtcpRemb(1, 2_500_000, ssrcs).TryWrite(buffer.AsSpan(offset), out written);
        offset += written;
        RtcpNackItem[] items = [new(100, 0x0005)];
        new RtcpNack(1, 0x11223344, items).TryWrite(buffer.AsSpan(offset), out written);
        offset += written;
        var builder = new RtcpTransportFeedbackBuilder();
        builder.Reset(1, 0x11223344, 7);
        for (var i = 0; i < 40; i++)
        {
            if (i % 10 != 9)
                builder.TryAddReceived((ushort)(500 + i), 1_000_000 + i * 2_500L);
        }
        builder.TryWrite(buffer.AsSpan(offset), out written);
        offset += written;
        _compound = buffer[..offset];
    }

    // Walk the compound and read every packet with its typed reader, summing a field of each so
    // nothing is optimised away; transport-cc statuses are all enumerated.
    [Benchmark]
    public long ParseCompound()
    {
        long sum = 0;
        var reader = new RtcpCompoundReader(_compound);
        while (reader.MoveNext())
        {
            var packet = reader.CurrentPacket;
            switch (reader.Current.PacketType)
            {
                case RtcpPacketType.ReceiverReport when RtcpReceiverReport.TryParse(packet, out var rr):
                    for (var i = 0; i < rr.ReportCount; i++)
                        sum += rr.GetReportBlock(i).Jitter;
                    break;
                case RtcpPacketType.SourceDescription when RtcpSdes.TryParse(packet, out var sdes):
                    sum += sdes.TryGetCname(out _, out var cname) ? cname.Length : 0;
                    break;
                case RtcpPacketType.PayloadSpecificFeedback when RtcpRemb.TryParse(packet, out var remb):
                    sum += (long)remb.Bitrate;
                    break;
                case RtcpPacketType.TransportFeedback when reader.Current.Count == RtcpFeedbackFormat.GenericNack
                                                           && RtcpNack.TryParse(packet, out var nack):
                    sum += nack.GetItem(0).PacketId;
                    break;
                case RtcpPacketType.TransportFeedback when RtcpTransportFeedback.TryParse(packet, out var feedback):
                    var statuses = feedback.GetEnumerator();
                    while (statuses.MoveNext())
                        sum += statuses.CurrentDelta;
                    break;
            }
        }
        return sum;
    }

    [Benchmark]
    public int WalkCompoundOnly()
    {
        var count = 0;
        var reader = new RtcpCompoundReader(_compound);
        while (reader.MoveNext())
            count++;
        return count;
    }
}
