namespace Meet.Modules.Media.Protocols.Rtcp;

// RFC 5104 §4.3.1.1 FIR FCI entry: the SSRC asked for a decoder refresh and a command sequence
// number that the requester increments per new request (repeats of one request keep it).
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                              SSRC                             |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Seq nr.       |    Reserved                                   |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public readonly record struct RtcpFirEntry(uint Ssrc, byte SequenceNumber)
{
    public const int Size = 8;
}
