namespace Meet.PacketEngine;

/// <summary>
/// A receiver that may keep what it would send for one received batch past the end of the call, to send
/// it with what the next batches bring (issue 14: a video frame's packets to one subscriber leave in one
/// UDP GSO message, not one per receive batch). A receive loop that supports holding calls
/// <see cref="OnReceivedHolding"/> instead of <see cref="IPacketReceiver.OnReceived"/> and, while the
/// receiver holds something, never blocks past the deadline it returned: if no datagram has arrived by
/// then, or the deadline passes while datagrams keep arriving, it calls <see cref="OnHoldExpired"/> on the
/// same thread (and before the loop ends). Loops without that support call OnReceived, which sends
/// everything before it returns.
/// </summary>
public interface IHoldingPacketReceiver : IPacketReceiver
{
    /// <summary>
    /// Like <see cref="IPacketReceiver.OnReceived"/>; returns the <see cref="System.Diagnostics.Stopwatch"/>
    /// timestamp by which <see cref="OnHoldExpired"/> must run on this thread, or 0 when nothing is held.
    /// A later call returns the same deadline while the same hold lasts.
    /// </summary>
    long OnReceivedHolding(IPacketChannel channel, PacketBatch batch);

    /// <summary>The deadline passed (or the loop is ending): send what is held.</summary>
    void OnHoldExpired(IPacketChannel channel);
}
