namespace Meet.Modules.Media.Mixing;

// What the jitter buffer hands the mixer for one playout step.
internal enum JitterFrameKind
{
    // Not playing (before its first packets, or after the speaker went quiet): mix silence.
    Silence,

    // The next packet in sequence: decode it.
    Packet,

    // The next packet is missing but the one after it is here: decode its in-band FEC.
    Fec,

    // The next packet is missing (or late): conceal with Opus PLC.
    Lost,
}
