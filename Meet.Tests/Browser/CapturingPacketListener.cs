using System.Collections.Concurrent;
using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Transport;

namespace Meet.Tests.Browser;

// Put in front of a publisher transport's listener: keeps a copy of the first payloads (after SRTP,
// as the SFU sees them) of the payload type asked for, and passes every packet on unchanged.
internal sealed class CapturingPacketListener(IRtpPacketListener inner, int payloadType, int capacity) : IRtpPacketListener
{
    private readonly ConcurrentQueue<(bool Marker, byte[] Payload)> payloads = new();

    public IReadOnlyCollection<(bool Marker, byte[] Payload)> Payloads => payloads;

    public void OnRtp(Span<byte> packet, in RtpHeader header, MediaSender sender, long receivedAt)
    {
        if (header.PayloadType == payloadType && payloads.Count < capacity)
            payloads.Enqueue((header.Marker, header.GetPayload(packet).ToArray()));
        inner.OnRtp(packet, header, sender, receivedAt);
    }

    public void OnRtcp(ReadOnlySpan<byte> compound, MediaSender sender) => inner.OnRtcp(compound, sender);
}
