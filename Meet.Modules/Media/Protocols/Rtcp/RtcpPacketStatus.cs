namespace Meet.Modules.Media.Protocols.Rtcp;

// Transport-cc packet status symbols (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1.1).
public enum RtcpPacketStatus : byte
{
    NotReceived = 0,
    // Receive delta fits one unsigned byte (0..63.75 ms).
    ReceivedSmallDelta = 1,
    // Receive delta needs two signed bytes (negative, or ≥ 64 ms).
    ReceivedLargeDelta = 2,
}
