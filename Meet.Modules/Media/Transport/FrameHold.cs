namespace Meet.Modules.Media.Transport;

// Issue 14: when a receive loop may keep its send batch across receive batches, so that a video frame's
// packets to each subscriber leave together (one UDP GSO message) although the loop is woken by the
// frame's first packet and reads the rest in later batches. One per receive thread (MediaSender's
// thread-static state), used only between BeginBatch and EndBatch of a holding receive
// (MediaPacketReceiver.OnReceivedHolding); on any other thread OnVideoPacket does nothing.
// The batch stays held at the end of a receive batch only while
//  - every datagram that sent anything since the hold began was a video packet of a forwarded layer
//    (the routing layer marks them, OnVideoPacket): audio, RTCP answers (RTX, PLI), retransmissions and
//    STUN leave at the end of their receive batch as before, taking what is held with them, and
//  - a video stream with a packet in this hold has not yet sent its marker (a frame's last packet,
//    RFC 7741 §4.1 for VP8), and
//  - the deadline, set when the hold began and never extended, has not passed (the engine's loop
//    enforces it: IHoldingPacketReceiver).
// Holds end at every release (frame complete, deadline, a non-video send), so a frame whose marker was
// lost costs at most one deadline.
internal sealed class FrameHold
{
    // Frames in progress one hold follows (a thread receives this many streams' frames at once only with
    // that many cameras interleaving within a fraction of a millisecond); beyond it the batch is sent.
    private const int MaxOpenFrames = 32;

    private readonly uint[] _openSsrcs = new uint[MaxOpenFrames];
    private int _openCount;
    private bool _inBatch;
    private bool _packetIsVideo;
    private bool _mustSend;

    // Stopwatch ticks by which what is held must leave; 0 while nothing is held.
    public long Deadline { get; private set; }

    public bool IsHolding => Deadline != 0;

    public void BeginBatch() => _inBatch = true;

    public void BeginPacket() => _packetIsVideo = false;

    // A video packet of a forwarded layer (not RTX), before it is fanned out.
    public void OnVideoPacket(uint ssrc, bool marker)
    {
        if (!_inBatch)
            return;
        _packetIsVideo = true;
        var index = Array.IndexOf(_openSsrcs, ssrc, 0, _openCount);
        if (marker)
        {
            if (index >= 0)
                _openSsrcs[index] = _openSsrcs[--_openCount];
        }
        else if (index < 0)
        {
            if (_openCount == MaxOpenFrames)
                _mustSend = true;
            else
                _openSsrcs[_openCount++] = ssrc;
        }
    }

    // sent: the datagram committed something to the send batch.
    public void EndPacket(bool sent)
    {
        if (sent && !_packetIsVideo)
            _mustSend = true;
    }

    // End of a receive batch with `pending` datagrams in the send batch: true to keep them held (Deadline
    // set, from `now` when the hold begins), false when they must leave now (the hold is reset).
    public bool EndBatch(int pending, long now, long holdTicks)
    {
        _inBatch = false;
        if (pending == 0 || _mustSend || _openCount == 0)
        {
            Reset();
            return false;
        }
        if (Deadline == 0)
            Deadline = now + holdTicks;
        return true;
    }

    public void Reset()
    {
        _openCount = 0;
        _mustSend = false;
        Deadline = 0;
    }
}
