using BenchmarkDotNet.Attributes;
using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Benchmarks.Protocols;

// A 1,200-byte VP8 packet with Chrome's usual extensions (mid, rid, abs-send-time, transport-cc).
[MemoryDiagnoser]
public class RtpBenchmarks
{
    private const int TransportCcId = 3;
    private readonly byte[] _packet = new byte[1200];
    private ushort _sequence;

    [GlobalSetup]
    public void Setup()
    {
        var payload = new byte[1200 - 28]; // 12 fixed + 4 extension header + 12 of elements
        payload[0] = 0x90;
        payload[1] = 0x80;
        payload[2] = 0x12;
        var writer = new RtpPacketWriter(_packet, 96, 1000, 90000, 0x11223344, marker: false);
        writer.AddExtension(4, "0"u8);
        writer.AddExtension(10, "h"u8);
        writer.AddExtension(2, [0x12, 0x34, 0x56]);
        writer.AddExtension(TransportCcId, [0x00, 0x01]);
        writer.TryComplete(payload, 0, out var written);
        if (written != _packet.Length)
            throw new InvalidOperationException($"packet is {written} bytes");
    }

    [Benchmark(Baseline = true)]
    public uint ParseHeader() => RtpHeader.TryParse(_packet, out var header) ? header.Ssrc : 0;

    [Benchmark]
    public int ParseHeaderAndTransportCc() =>
        RtpHeader.TryParse(_packet, out var header) && header.TryGetExtension(_packet, TransportCcId, out var value)
            && TransportWideSequenceExtension.TryRead(value, out var sequence) ? sequence : -1;

    [Benchmark]
    public bool RewriteHeader() => RtpHeaderRewriter.TryRewrite(_packet, 0xCAFEBABE, _sequence++, 123456);

    [Benchmark]
    public bool ParseVp8KeyFrame() =>
        RtpHeader.TryParse(_packet, out var header)
        && Vp8PayloadDescriptor.TryParse(header.GetPayload(_packet), out var descriptor) && descriptor.IsKeyFrame;
}
