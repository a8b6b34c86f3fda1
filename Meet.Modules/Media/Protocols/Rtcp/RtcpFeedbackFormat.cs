namespace Meet.Modules.Media.Protocols.Rtcp;

// The FMT values carried in the count field of feedback packets.
public static class RtcpFeedbackFormat
{
    // PT 205 (RTPFB)
    public const int GenericNack = 1;              // RFC 4585 §6.2.1
    public const int TransportWideCc = 15;         // draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1

    // PT 206 (PSFB)
    public const int PictureLossIndication = 1;    // RFC 4585 §6.3.1
    public const int FullIntraRequest = 4;         // RFC 5104 §4.3.1
    public const int ApplicationLayer = 15;        // RFC 4585 §6.4; REMB lives here
}
