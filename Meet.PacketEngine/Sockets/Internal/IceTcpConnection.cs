using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Meet.PacketEngine.Sockets.Internal;

// One accepted ICE-TCP connection: a PipeReader over the socket splits the byte stream into
// RFC 4571 frames whatever the TCP segmentation (split or coalesced), and an output Pipe drained by
// a send loop lets IPacketChannel.Send stay synchronous and non-blocking.
internal sealed class IceTcpConnection : IAsyncDisposable
{
    public enum EnqueueResult
    {
        Queued,
        Full,
        Closed,
    }

    private static readonly PipeOptions OutputOptions = new(
        // Never pause the writer: Send cannot wait, so backpressure is our own byte budget instead.
        pauseWriterThreshold: 0,
        resumeWriterThreshold: 0,
        writerScheduler: PipeScheduler.Inline,
        useSynchronizationContext: false);

    private readonly IceTcpChannel _channel;
    private readonly Socket _socket;
    private readonly PipeReader _input;
    private readonly Pipe _output = new(OutputOptions);
    private readonly Lock _writeLock = new();
    private readonly int _maxPendingBytes;
    private long _pendingBytes;
    private int _closed;
    private Task _receiving = Task.CompletedTask;
    private Task _sending = Task.CompletedTask;

    public IceTcpConnection(IceTcpChannel channel, Socket socket, PacketAddress remoteAddress, int maxPendingBytes)
    {
        _channel = channel;
        _socket = socket;
        RemoteAddress = remoteAddress;
        _maxPendingBytes = maxPendingBytes;
        _input = PipeReader.Create(new NetworkStream(socket, ownsSocket: false),
            new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 2048, leaveOpen: true));
    }

    public PacketAddress RemoteAddress { get; }

    public void Start()
    {
        _receiving = ReceiveLoopAsync();
        _sending = SendLoopAsync();
    }

    private async Task ReceiveLoopAsync()
    {
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                if (!TryDeliverFrames(ref buffer))
                    break;
                _input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                    break;
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            error = ex;
        }
        finally
        {
            await _input.CompleteAsync().ConfigureAwait(false);
            Close(error);
        }
    }

    // Delivers every complete frame in buffer and leaves buffer at the first incomplete one.
    // False when a length prefix exceeds the slot size: that stream can never resynchronise.
    private bool TryDeliverFrames(ref ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        var counters = _channel.Counters;
        var slotSize = _channel.SlotSize;
        PacketBatch? batch = null;
        long bytes = 0;
        var ok = true;
        while (Rfc4571Frame.TryPeekLength(reader, out var length))
        {
            if (length > slotSize)
            {
                counters.AddDrop(DropReason.BadFraming);
                SocketsLog.IceTcpBadFraming(_channel.Logger, RemoteAddress, length, slotSize);
                ok = false;
                break;
            }
            if (reader.Remaining < Rfc4571Frame.HeaderSize + length)
                break;
            reader.Advance(Rfc4571Frame.HeaderSize);
            if (batch is null && !_channel.Batches.TryRent(out batch))
            {
                batch = null;
                counters.AddDrop(DropReason.NoBuffer);
                reader.Advance(length);
                continue;
            }
            var slot = batch.GetNextSlot();
            reader.TryCopyTo(slot[..length]);
            reader.Advance(length);
            batch.Commit(length, RemoteAddress);
            bytes += length;
            if (batch.IsFull)
            {
                counters.AddReceived(batch.Count, bytes);
                _channel.Deliver(batch);
                batch.Clear();
                bytes = 0;
            }
        }
        if (batch is not null)
        {
            if (batch.Count > 0)
            {
                counters.AddReceived(batch.Count, bytes);
                _channel.Deliver(batch);
            }
            _channel.Batches.Return(batch);
        }
        buffer = buffer.Slice(reader.Position);
        return ok;
    }

    private async Task SendLoopAsync()
    {
        var reader = _output.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                    await _socket.SendAsync(segment, SocketFlags.None).ConfigureAwait(false);
                Interlocked.Add(ref _pendingBytes, -buffer.Length);
                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                    break;
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            Close(null);
        }
    }

    public EnqueueResult TryEnqueue(ReadOnlySpan<byte> payload)
    {
        var size = Rfc4571Frame.GetSerializedSize(payload.Length);
        lock (_writeLock)
        {
            if (Volatile.Read(ref _closed) != 0)
                return EnqueueResult.Closed;
            if (Volatile.Read(ref _pendingBytes) + size > _maxPendingBytes)
                return EnqueueResult.Full;
            var writer = _output.Writer;
            Rfc4571Frame.TryWrite(payload, writer.GetSpan(size), out var written);
            writer.Advance(written);
            Interlocked.Add(ref _pendingBytes, written);
            // Completes synchronously: the pipe never pauses (pauseWriterThreshold 0).
            writer.FlushAsync().GetAwaiter().GetResult();
            return EnqueueResult.Queued;
        }
    }

    private void Close(Exception? error)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
            return;
        lock (_writeLock)
            _output.Writer.Complete();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        // Disposing the socket also fails a pending read, which ends the receive loop.
        _socket.Dispose();
        _channel.OnClosed(this);
        SocketsLog.IceTcpConnectionClosed(_channel.Logger, RemoteAddress, error);
    }

    public async ValueTask DisposeAsync()
    {
        Close(null);
        try
        {
            await Task.WhenAll(_receiving, _sending).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Shutting down: an unexpected failure of either loop is logged, not rethrown.
            SocketsLog.IceTcpConnectionClosed(_channel.Logger, RemoteAddress, ex);
        }
    }
}
