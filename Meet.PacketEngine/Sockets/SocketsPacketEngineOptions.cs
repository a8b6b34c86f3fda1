namespace Meet.PacketEngine.Sockets;

/// <summary>The <c>PacketEngine:Sockets</c> configuration section.</summary>
public sealed class SocketsPacketEngineOptions
{
    public const string SectionName = "Sockets";

    /// <summary>
    /// Receive threads per UDP channel, each on its own SO_REUSEPORT socket so the kernel spreads
    /// remote peers across them. 0 picks one per two cores (one on small machines, where a second
    /// loop only competes with the media threads for the same core).
    /// </summary>
    public int ReceiveLoops { get; set; }

    /// <summary>Datagrams per recvmmsg call and per delivered batch.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Bytes per batch slot; larger datagrams are dropped as <see cref="DropReason.Oversized"/>.</summary>
    public int SlotSize { get; set; } = PacketBatch.DefaultSlotSize;

    /// <summary>Receive with recvmmsg (Linux); otherwise one Socket.ReceiveFrom per datagram.</summary>
    public bool UseRecvMmsg { get; set; } = true;

    /// <summary>
    /// Stamp each received datagram with the kernel's receive time (SO_TIMESTAMPNS, with recvmmsg) rather
    /// than the time the receive loop got to it: transport-cc feedback to publishers then reports network
    /// arrival times, not the receive thread's scheduling on a busy machine (issue 11: Chrome read that
    /// jitter as overuse and took 20 s and more to send its 720p layer).
    /// </summary>
    public bool KernelReceiveTimestamps { get; set; } = true;

    /// <summary>Send with sendmmsg (Linux); otherwise one Socket.SendTo per datagram.</summary>
    public bool UseSendMmsg { get; set; } = true;

    /// <summary>
    /// Coalesce consecutive same-destination, same-size datagrams into one UDP GSO send
    /// (UDP_SEGMENT). Needs <see cref="UseSendMmsg"/>; switched off for the channel if the kernel refuses.
    /// </summary>
    public bool UseGso { get; set; } = true;

    /// <summary>Segments per GSO send; the kernel's limit is 64 (UDP_MAX_SEGMENTS before Linux 6.9).</summary>
    public int MaxGsoSegments { get; set; } = 64;

    /// <summary>SO_RCVBUF per socket in bytes; 0 keeps the kernel default.</summary>
    public int ReceiveBufferSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>SO_SNDBUF per socket in bytes; 0 keeps the kernel default.</summary>
    public int SendBufferSize { get; set; } = 1024 * 1024;

    /// <summary>Accepted ICE-TCP connections per listener; further ones are closed on accept.</summary>
    public int MaxIceTcpConnections { get; set; } = 1024;

    /// <summary>Framed bytes queued for one ICE-TCP connection before sends to it are dropped as <see cref="DropReason.NoBuffer"/>.</summary>
    public int MaxIceTcpPendingSendBytes { get; set; } = 256 * 1024;

    internal int EffectiveReceiveLoops => ReceiveLoops > 0 ? ReceiveLoops : Math.Max(1, Environment.ProcessorCount / 2);
}
