namespace Meet.Modules.Media.Routing;

// One consumer's RTP sequence numbers out: rebased at every layer switch to continue one past the last
// number sent, and closing the gap of every packet the consumer drops on purpose (temporal layers above
// its target, issue 11), so the subscriber sees neither a jump nor a loss to NACK. Like mediasoup's
// SeqManager, with a fixed ring of recent drops instead of a growing set: no allocation per packet.
internal sealed class SequenceNumberMapper
{
    // Drops remembered to map reordered packets and NACKs: at L1T3 with only TL0 forwarded, three of
    // four frames; 256 drops cover well over the ~200 ms the retransmission cache holds.
    private const int RememberedDrops = 256;

    private readonly DroppedNumbers _dropped = new(RememberedDrops, 0xFFFF);
    private ushort _delta;
    private ushort _highest;

    // What the newest packets are shifted by (newer than every remembered drop).
    public ushort Delta => _delta;

    public int DropsRemembered => _dropped.Count;

    // The next packet forwarded is `firstSequence` (a keyframe of the new layer) and goes out as `nextOut`.
    public void Rebase(ushort firstSequence, ushort nextOut)
    {
        _delta = (ushort)(nextOut - firstSequence);
        _highest = firstSequence;
        _dropped.Clear(0xFFFF);
    }

    // A packet not forwarded on purpose. Only a packet newer than everything seen can close its gap: the
    // packets after it are then sent one lower. An older one (reordered behind a forwarded packet) leaves
    // a gap, and a NACK for it finds it dropped (TryUnmap).
    public bool Drop(ushort sequence)
    {
        if (!_dropped.IsNewer(sequence, _highest))
            return false;
        _highest = sequence;
        _delta--;
        _dropped.Add(sequence);
        return true;
    }

    // False: the packet is older than the drops still remembered and its number out is unknown.
    public bool TryMap(ushort sequence, out ushort mapped)
    {
        if (_dropped.IsNewer(sequence, _highest))
            _highest = sequence;
        mapped = (ushort)(sequence + _delta);
        if (_dropped.Count == 0 || _dropped.IsNewer(sequence, _dropped.Newest))
            return true;
        if (_dropped.IsBeyondHorizon(sequence) || _dropped.Contains(sequence))
            return false;
        mapped = (ushort)(mapped + _dropped.CountNewerThan(sequence));
        return true;
    }

    // The source sequence number of a number we sent (a NACK from the subscriber); false when that number
    // belongs to no forwarded packet that can still be found.
    public bool TryUnmap(ushort mapped, out ushort sequence)
    {
        sequence = (ushort)_dropped.Unshift((ushort)(mapped - _delta));
        return _dropped.Count == 0 || (!_dropped.Contains(sequence) && !_dropped.IsBeyondHorizon(sequence));
    }
}
