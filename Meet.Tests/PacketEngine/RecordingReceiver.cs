using System.Collections.Concurrent;
using Meet.PacketEngine;

namespace Meet.Tests.PacketEngine;

// Test receiver: copies every datagram out of the (short-lived) batch and can wait for a count.
public sealed class RecordingReceiver : IPacketReceiver
{
    private readonly ConcurrentQueue<(byte[] Payload, PacketAddress From)> _datagrams = new();
    private int _count;
    private int _batches;

    public Action<IPacketChannel, PacketBatch>? OnBatch { get; init; }

    public int Count => Volatile.Read(ref _count);

    public int Batches => Volatile.Read(ref _batches);

    public IReadOnlyList<(byte[] Payload, PacketAddress From)> Datagrams => [.. _datagrams];

    public void OnReceived(IPacketChannel channel, PacketBatch batch)
    {
        OnBatch?.Invoke(channel, batch);
        Interlocked.Increment(ref _batches);
        for (var i = 0; i < batch.Count; i++)
        {
            _datagrams.Enqueue((batch[i].ToArray(), batch.GetAddress(i)));
            Interlocked.Increment(ref _count);
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> datagrams arrived; false on a (generous) hang guard.</summary>
    public bool WaitFor(int count, int timeoutMs = 10_000) => Poll.Until(() => Count >= count, timeoutMs);
}
