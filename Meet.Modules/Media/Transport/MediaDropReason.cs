namespace Meet.Modules.Media.Transport;

// Why the SFU dropped a datagram that the packet engine delivered (mediasoup names each drop too).
internal enum MediaDropReason
{
    NotWebRtc,
    UnknownPeer,
    StunRejected,
    DtlsRejected,
    NotConnected,
    SrtpRejected,
    MalformedRtp,
    MalformedRtcp,
    UnknownSsrc,
    SendBufferFull,
    // Audio of a participant the host muted (IMediaParticipant.HoldAudio).
    AudioHeldByHost,
}
