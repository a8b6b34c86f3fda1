namespace Meet.Modules.Signaling.Internal;

// What this node's signaling sent, for the at-scale measurements (issue 13): transport messages, the
// roster changes inside them, and bytes where the transport tells (gRPC message sizes; SignalR frames
// are serialised by the hub protocol, out of sight, so their bytes are not counted).
internal sealed class SignalingTraffic
{
    private long messages;
    private long rosterMessages;
    private long rosterUpdates;
    private long grpcBytes;

    public long Messages => Interlocked.Read(ref messages);

    public long RosterMessages => Interlocked.Read(ref rosterMessages);

    public long RosterUpdates => Interlocked.Read(ref rosterUpdates);

    public long GrpcBytes => Interlocked.Read(ref grpcBytes);

    public void Sent() => Interlocked.Increment(ref messages);

    public void SentGrpc(int bytes)
    {
        Interlocked.Increment(ref messages);
        Interlocked.Add(ref grpcBytes, bytes);
    }

    public void SentRoster(int updates)
    {
        Interlocked.Increment(ref rosterMessages);
        Interlocked.Add(ref rosterUpdates, updates);
    }
}
