namespace Meet.Modules.Media.Protocols.Rtp;

// Key-frame detection for H.264 over RTP (RFC 6184). The SFU switches simulcast layers only at a
// decoder refresh point, which in WebRTC's packetisation starts with SPS/PPS/IDR.
//
// NAL unit header (§1.3):         FU header (§5.8):
// +---------------+              +---------------+
// |0|1|2|3|4|5|6|7|              |0|1|2|3|4|5|6|7|
// +-+-+-+-+-+-+-+-+              +-+-+-+-+-+-+-+-+
// |F|NRI|  Type   |              |S|E|R|  Type   |
// +---------------+              +---------------+
// STAP-A (type 24, §5.7.1): header, then repeated [16-bit NALU size][NALU].
public static class H264Payload
{
    private const int IdrSlice = 5;
    private const int SequenceParameterSet = 7;
    private const int StapA = 24;
    private const int FuA = 28;

    public static bool IsKeyFrame(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
            return false;
        var type = payload[0] & 0x1F;
        switch (type)
        {
            case IdrSlice or SequenceParameterSet:
                return true;
            case StapA:
                var offset = 1;
                while (offset + 2 < payload.Length)
                {
                    var size = payload[offset] << 8 | payload[offset + 1];
                    offset += 2;
                    if (size == 0 || offset + size > payload.Length)
                        return false;
                    if ((payload[offset] & 0x1F) is IdrSlice or SequenceParameterSet)
                        return true;
                    offset += size;
                }
                return false;
            case FuA:
                // Only the fragment that starts the NAL unit counts (S bit).
                return payload.Length >= 2 && (payload[1] & 0x80) != 0 && (payload[1] & 0x1F) is IdrSlice or SequenceParameterSet;
            default:
                return false;
        }
    }
}
