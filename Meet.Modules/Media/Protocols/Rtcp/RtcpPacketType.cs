namespace Meet.Modules.Media.Protocols.Rtcp;

// RFC 3550 §12.1, RFC 4585 §6.1.
public enum RtcpPacketType : byte
{
    SenderReport = 200,
    ReceiverReport = 201,
    SourceDescription = 202,
    Goodbye = 203,
    ApplicationDefined = 204,
    TransportFeedback = 205,
    PayloadSpecificFeedback = 206,
}
