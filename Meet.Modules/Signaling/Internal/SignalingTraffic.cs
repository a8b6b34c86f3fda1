using System.Diagnostics;

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
    private long chatStarted;
    private long chatQueued;
    private long chatWritten;
    private long clusterEvents;
    private long clusterTransitMs;

    public long Messages => Interlocked.Read(ref messages);

    public long RosterMessages => Interlocked.Read(ref rosterMessages);

    public long RosterUpdates => Interlocked.Read(ref rosterUpdates);

    public long GrpcBytes => Interlocked.Read(ref grpcBytes);

    public void Sent() => Interlocked.Increment(ref messages);

    public void Sent(int count) => Interlocked.Add(ref messages, count);

    // Issue 13's chat fan-out, split so the measurement can tell the server's part from the clients':
    // when the last meeting-wide message entered SendChat, when every member's transport had it, and when
    // the last transport write of a chat message completed (Stopwatch timestamps; 0 = none yet).
    public (long Started, long Queued, long Written) LastChatFanOut =>
        (Interlocked.Read(ref chatStarted), Interlocked.Read(ref chatQueued), Interlocked.Read(ref chatWritten));

    public void ChatFannedOut(long started)
    {
        Interlocked.Exchange(ref chatStarted, started);
        Interlocked.Exchange(ref chatQueued, Stopwatch.GetTimestamp());
    }

    // Writes complete out of order across connections: keep the latest.
    public void ChatWritten()
    {
        var now = Stopwatch.GetTimestamp();
        var seen = Interlocked.Read(ref chatWritten);
        while (now > seen)
        {
            var previous = Interlocked.CompareExchange(ref chatWritten, now, seen);
            if (previous == seen)
                return;
            seen = previous;
        }
    }

    // Issue 15: events from other signaling nodes this node delivered, and their summed transit (origin's
    // publish to here, wall clocks; on one machine the same clock).
    public (long Events, long TransitMs) ClusterEvents => (Interlocked.Read(ref clusterEvents), Interlocked.Read(ref clusterTransitMs));

    public void ClusterEventReceived(long sentAtMs, long nowMs)
    {
        Interlocked.Increment(ref clusterEvents);
        Interlocked.Add(ref clusterTransitMs, Math.Max(0, nowMs - sentAtMs));
    }

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
