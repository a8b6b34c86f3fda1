using Meet.Modules.Media.Mixing;
using Meet.Modules.Media.Protocols.Rtcp;
using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Transport;

namespace Meet.Tests.Media.Mixing;

// A listener's end of the mix in unit tests: keeps each RTP header and decodes the Opus payload, as
// a browser would, into one continuous PCM timeline.
internal sealed class CapturingMixSink : IMixedAudioSink, IDisposable
{
    private readonly OpusDecoder _decoder = new();
    private readonly float[] _frame = new float[MixFormat.MaxPacketSamples];

    public List<(uint Ssrc, ushort Sequence, uint Timestamp, bool Marker, byte? Level)> Packets { get; } = [];

    // The CSRC list of each packet (RFC 3550 §5.1: the speakers mixed into it).
    public List<uint[]> Csrcs { get; } = [];

    public List<(uint Ssrc, ulong Ntp, uint RtpTimestamp, uint Packets, uint Octets, int AfterPacket)> SenderReports { get; } = [];

    public bool SendRtcp(ReadOnlySpan<byte> rtcp, MediaSender sender)
    {
        RtcpSenderReport.TryParse(rtcp, out var report).Should().BeTrue();
        SenderReports.Add((report.Ssrc, report.NtpTimestamp, report.RtpTimestamp, report.PacketCount, report.OctetCount, Packets.Count));
        return true;
    }

    public List<float> Pcm { get; } = [];

    public int AudioLevelExtensionId { get; init; } = 1;

    public bool SendRtpPacket(ReadOnlySpan<byte> rtp, MediaSender sender)
    {
        RtpHeader.TryParse(rtp, out var header).Should().BeTrue();
        byte? level = header.TryGetExtension(rtp, AudioLevelExtensionId, out var value) && AudioLevelExtension.TryRead(value, out _, out var l) ? l : null;
        Packets.Add((header.Ssrc, header.SequenceNumber, header.Timestamp, header.Marker, level));
        var csrcs = new uint[header.CsrcCount];
        for (var i = 0; i < csrcs.Length; i++)
            csrcs[i] = header.GetCsrc(rtp, i);
        Csrcs.Add(csrcs);
        var samples = _decoder.Decode(header.GetPayload(rtp), _frame);
        samples.Should().Be(MixFormat.FrameSamples);
        Pcm.AddRange(_frame.AsSpan(0, samples).ToArray());
        return true;
    }

    public float[] LastFrames(int frames) => Pcm.Skip(Pcm.Count - frames * MixFormat.FrameSamples).ToArray();

    public void Dispose() => _decoder.Dispose();
}
