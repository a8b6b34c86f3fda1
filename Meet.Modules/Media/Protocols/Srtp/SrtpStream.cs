namespace Meet.Modules.Media.Protocols.Srtp;

// Per-SSRC cryptographic state (RFC 3711 §3.2.1 "crypto context" minus the keys, which are shared).
internal sealed class SrtpStream
{
    // 48-bit SRTP index space: ROC (32 bits) || SEQ (16 bits).
    private const ulong MaxRtpIndex = (1UL << 48) - 1;

    // The highest accepted index is ROC || s_l, so ROC and s_l are read back from it.
    public SrtpReplayWindow Rtp;
    public SrtpReplayWindow Rtcp;
    public uint NextRtcpIndex;

    // RFC 3711 §3.3.1 / Appendix A: pick v in {ROC-1, ROC, ROC+1} so that v||SEQ is closest to the
    // highest index seen. That is what keeps a packet reordered across the 65535 -> 0 wrap on the
    // right ROC in both directions.
    public static SrtpError EstimateRtpIndex(in SrtpReplayWindow window, ushort sequence, out ulong index)
    {
        if (!window.IsInitialised)
        {
            // A new stream starts at ROC 0 (WebRTC never signals a different initial ROC).
            index = sequence;
            return SrtpError.None;
        }

        long roc = (long)(window.Highest >> 16);
        int highestSequence = (ushort)window.Highest;
        long v;
        if (highestSequence < 32768)
        {
            v = sequence - highestSequence > 32768 ? roc - 1 : roc;
        }
        else
        {
            v = highestSequence - 32768 > sequence ? roc + 1 : roc;
        }

        if (v < 0)
        {
            // From before the wrap that started this stream: nothing to decrypt it with.
            index = 0;
            return SrtpError.TooOld;
        }

        index = ((ulong)v << 16) | sequence;
        return index > MaxRtpIndex ? SrtpError.IndexExhausted : SrtpError.None;
    }
}
