using System.Runtime.CompilerServices;

namespace Meet.PacketEngine;

/// <summary>
/// A fixed number of datagram slots in one pinned buffer, each with its length and remote address.
/// Engines receive into a batch and send from one; the SFU rewrites payloads in place.
/// A batch is reused forever (rented from <see cref="PacketBatchPool"/>), so nothing here allocates
/// after construction. Not thread-safe: one owner at a time.
/// </summary>
public sealed class PacketBatch
{
    public const int DefaultSlotSize = 2048;

    private readonly byte[] _buffer;
    private readonly int[] _lengths;
    private readonly PacketAddress[] _addresses;
    private int[]? _sendOrder;
    private readonly long[] _receiveTimestamps;

    public PacketBatch(int capacity, int slotSize = DefaultSlotSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(slotSize, 64);
        Capacity = capacity;
        SlotSize = slotSize;
        // Pinned so native backends (recvmmsg iovecs, DPDK copies) can hold raw pointers into it.
        _buffer = GC.AllocateUninitializedArray<byte>(capacity * slotSize, pinned: true);
        _lengths = new int[capacity];
        _addresses = new PacketAddress[capacity];
        _receiveTimestamps = new long[capacity];
    }

    public int Capacity { get; }

    public int SlotSize { get; }

    public int Count { get; private set; }

    public bool IsFull => Count == Capacity;

    public void Clear()
    {
        Count = 0;
        HasSendOrder = false;
    }

    /// <summary>
    /// Whether <see cref="SetSendOrder"/> gave an order to send the datagrams in (until the next
    /// <see cref="Clear"/>). The sockets engine follows it, so a sender can group datagrams (e.g. by
    /// destination, for UDP GSO) without moving payloads; an engine may ignore it.
    /// </summary>
    public bool HasSendOrder { get; private set; }

    /// <summary>The order to send in: a permutation of 0..Count-1 (checked cheaply: length only).</summary>
    public void SetSendOrder(ReadOnlySpan<int> order)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(order.Length, Count, nameof(order));
        order.CopyTo(_sendOrder ??= new int[Capacity]);
        HasSendOrder = true;
    }

    /// <summary>The slot index of the <paramref name="position"/>-th datagram to send.</summary>
    public int SendIndex(int position) => HasSendOrder ? _sendOrder![position] : position;

    /// <summary>The payload of datagram <paramref name="index"/>, writable so it can be rewritten in place.</summary>
    public Span<byte> this[int index] => _buffer.AsSpan(CheckIndex(index) * SlotSize, _lengths[index]);

    public PacketAddress GetAddress(int index) => _addresses[CheckIndex(index)];

    public int GetLength(int index) => _lengths[CheckIndex(index)];

    /// <summary>The whole slot of datagram <paramref name="index"/>, for growing a payload (e.g. adding an SRTP tag).</summary>
    public Span<byte> GetSlot(int index) => _buffer.AsSpan(CheckSlot(index) * SlotSize, SlotSize);

    public void SetLength(int index, int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)length, (uint)SlotSize, nameof(length));
        _lengths[CheckIndex(index)] = length;
    }

    public void SetAddress(int index, in PacketAddress address) => _addresses[CheckIndex(index)] = address;

    /// <summary>
    /// When datagram <paramref name="index"/> arrived, in <see cref="System.Diagnostics.Stopwatch"/> ticks: the
    /// kernel's receive time where the backend has one (SO_TIMESTAMPNS), else when the backend read it;
    /// 0 when unknown. Arrival-time feedback (transport-cc) reads it, so that the time a datagram waited
    /// for a busy receive thread does not look like network queueing. In a send batch: the arrival of the
    /// datagram this one was forwarded from, when the sender gave one (<see cref="Commit(int, in PacketAddress, long)"/>),
    /// so the time it spent in the server can be measured when it is sent.
    /// </summary>
    public long GetReceiveTimestamp(int index) => _receiveTimestamps[CheckIndex(index)];

    /// <summary>Copies a datagram into the next slot; false when the batch is full or the datagram too big.</summary>
    public bool TryAdd(ReadOnlySpan<byte> payload, in PacketAddress address, long receiveTimestamp = 0)
    {
        if (Count == Capacity || payload.Length > SlotSize)
            return false;
        payload.CopyTo(_buffer.AsSpan(Count * SlotSize, SlotSize));
        _lengths[Count] = payload.Length;
        _addresses[Count] = address;
        _receiveTimestamps[Count] = receiveTimestamp;
        Count++;
        return true;
    }

    /// <summary>
    /// Hands out the next free slot to write a datagram into directly (e.g. SRTP protect into the
    /// send buffer); <see cref="Commit"/> then makes it part of the batch. Empty when the batch is full.
    /// </summary>
    public Span<byte> GetNextSlot() => Count == Capacity ? Span<byte>.Empty : _buffer.AsSpan(Count * SlotSize, SlotSize);

    /// <summary>
    /// <see cref="GetNextSlot"/> as <see cref="Memory{T}"/>, for work finished on the slot after it is
    /// committed but before the batch is sent (the SFU's multi-buffer SRTP encryption).
    /// </summary>
    public Memory<byte> GetNextSlotMemory() => Count == Capacity ? Memory<byte>.Empty : _buffer.AsMemory(Count * SlotSize, SlotSize);

    public void Commit(int length, in PacketAddress address) => Commit(length, address, 0);

    /// <summary>Commits the next slot, remembering <paramref name="receiveTimestamp"/> (see <see cref="GetReceiveTimestamp"/>).</summary>
    public void Commit(int length, in PacketAddress address, long receiveTimestamp)
    {
        if (Count == Capacity)
            throw new InvalidOperationException("The batch is full.");
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)length, (uint)SlotSize, nameof(length));
        _lengths[Count] = length;
        _addresses[Count] = address;
        _receiveTimestamps[Count] = receiveTimestamp;
        Count++;
    }

    /// <summary>Used by receiving backends: sets how many slots they filled.</summary>
    internal void SetCount(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)count, (uint)Capacity, nameof(count));
        Count = count;
        HasSendOrder = false;
    }

    internal Span<int> Lengths => _lengths;

    internal Span<PacketAddress> Addresses => _addresses;

    internal Span<long> ReceiveTimestamps => _receiveTimestamps;

    /// <summary>Start of slot <paramref name="index"/> for native I/O; the buffer is pinned for the batch's life.</summary>
    internal unsafe byte* GetSlotPointer(int index) =>
        (byte*)Unsafe.AsPointer(ref _buffer[CheckSlot(index) * SlotSize]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count)
            ThrowHelper.ThrowIndexOutOfRange(index);
        return index;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int CheckSlot(int index)
    {
        if ((uint)index >= (uint)Capacity)
            ThrowHelper.ThrowIndexOutOfRange(index);
        return index;
    }
}
