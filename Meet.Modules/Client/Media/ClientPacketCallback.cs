namespace Meet.Modules.Client.Media;

// A decrypted RTP packet or RTCP compound, valid only during the call.
public delegate void ClientPacketCallback(ReadOnlySpan<byte> packet);
