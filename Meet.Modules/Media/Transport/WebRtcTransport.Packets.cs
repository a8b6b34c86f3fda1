using Meet.Modules.Media.Protocols.Dtls;
using Meet.Modules.Media.Protocols.Ice;
using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Protocols.Srtp;
using Meet.PacketEngine;

namespace Meet.Modules.Media.Transport;

internal sealed partial class WebRtcTransport
{
    // A STUN binding request demultiplexed to us by its USERNAME's ufrag.
    public void HandleStun(ReadOnlySpan<byte> packet, in PacketAddress source, MediaSender sender)
    {
        Span<byte> response = stackalloc byte[IceLiteAgent.MaxResponseSize];
        IceCheckResult result;
        int length;
        bool newAddress = false;
        bool nominated = false;
        lock (_lock)
        {
            if (_state == MediaConnectionState.Closed)
                return;
            result = _ice.HandleBindingRequest(packet, source, response, out length);
            if (result is IceCheckResult.Answered or IceCheckResult.Nominated)
            {
                // Any authenticated check proves the peer owns this address (RFC 8445 §7.3), so DTLS and
                // SRTP from it are accepted; the nominated one is where we send.
                if (!_addresses.Contains(source))
                {
                    _addresses.Add(source);
                    newAddress = true;
                }
                if (result == IceCheckResult.Nominated || _remote.IsEmpty)
                {
                    nominated = _remote != source;
                    // Handover: until this moment media kept going to the previous address.
                    if (nominated && !_remote.IsEmpty && _srtp is not null)
                        _counters.PathSwitched();
                    _remote = source;
                }
            }
        }

        if (result == IceCheckResult.Dropped)
        {
            _counters.Drop(MediaDropReason.StunRejected);
            return;
        }
        if (result is not (IceCheckResult.Answered or IceCheckResult.Nominated))
            _counters.Drop(MediaDropReason.StunRejected);
        if (newAddress)
            _registry.RegisterAddress(source, this);
        sender.SendNow(response[..length], source);
        if (nominated)
            OnPathSelected();
    }

    private void OnPathSelected()
    {
        DtlsEndpoint? toStart = null;
        lock (_lock)
        {
            // As DTLS client (the peer answered setup:passive) we open the association once ICE has a path.
            if (_dtls is { Role: DtlsRole.Client } && !_dtlsStarted)
            {
                _dtlsStarted = true;
                toStart = _dtls;
            }
        }
        if (_state == MediaConnectionState.New)
            TransitionTo(MediaConnectionState.Connecting);
        if (toStart is not null)
            _ = toStart.Start().ContinueWith(t => OnDtlsCompleted(t.Result), TaskScheduler.Default);
    }

    public void HandleDtls(ReadOnlySpan<byte> packet)
    {
        DtlsEndpoint? dtls;
        bool start = false;
        bool handshakeDone;
        long keysAgreedAt;
        lock (_lock)
        {
            dtls = _dtls;
            handshakeDone = _srtp is not null;
            keysAgreedAt = _keysAgreedAt;
            if (dtls is { Role: DtlsRole.Server } && !_dtlsStarted)
            {
                // The server side starts on the first datagram, so a peer that negotiates but never
                // connects does not run a handshake thread into its timeout.
                _dtlsStarted = true;
                start = true;
            }
        }
        // After the handshake only the peer's retransmitted final flight may pass (DtlsFinalFlightFilter),
        // for a grace period; every other record is stripped and counted.
        if (handshakeDone)
        {
            var inGrace = Environment.TickCount64 - keysAgreedAt < FinishedRetransmissionGraceMs;
            var kept = inGrace ? DtlsFinalFlightFilter.KeepFinalFlight(packet) : [];
            if (kept.Length != packet.Length)
                _counters.Drop(MediaDropReason.DtlsRejected);
            if (kept.Length == 0)
                return;
            packet = kept;
        }
        if (dtls is null || !dtls.Feed(packet))
        {
            _counters.Drop(MediaDropReason.DtlsRejected);
            return;
        }
        _counters.DtlsIn();
        if (start)
        {
            TransitionTo(MediaConnectionState.Connecting);
            _ = dtls.Start().ContinueWith(t => OnDtlsCompleted(t.Result), TaskScheduler.Default);
        }
    }

    // RFC 6347 §4.2.4: a peer retransmits its last flight for up to a minute; in practice within seconds.
    private const long FinishedRetransmissionGraceMs = 15_000;

    private void OnDtlsCompleted(DtlsHandshakeResult result)
    {
        if (!result.Succeeded)
        {
            TransitionTo(MediaConnectionState.Failed);
            return;
        }
        var keys = result.Keys!;
        lock (_lock)
        {
            if (_state == MediaConnectionState.Closed || _dtls is null)
                return;
            _keysAgreedAt = Environment.TickCount64;
            _srtp = SrtpSession.FromDtlsExport((SrtpProtectionProfile)keys.Profile, keys.ExportedBlock.Span,
                isDtlsClient: _dtls.Role == DtlsRole.Client);
        }
        TransitionTo(MediaConnectionState.Connected);
    }

    private void SendDtls(ReadOnlySpan<byte> datagram)
    {
        PacketAddress remote;
        lock (_lock)
            remote = _remote;
        if (!remote.IsEmpty)
            _sender.SendNow(datagram, remote);
    }

    // SRTP or SRTCP from the peer: unprotected in place in the receive slot, then handed up.
    // receivedAt: the datagram's arrival (PacketBatch.GetReceiveTimestamp), 0 when the engine has none.
    public void HandleSrtp(Span<byte> slot, int length, bool isRtcp, MediaSender sender, long receivedAt = 0)
    {
        int plainLength;
        bool ok;
        lock (_lock)
        {
            if (_srtp is null)
            {
                _counters.Drop(MediaDropReason.NotConnected);
                return;
            }
            ok = isRtcp
                ? _srtp.TryUnprotectRtcp(slot, length, out plainLength, out _)
                : _srtp.TryUnprotectRtp(slot, length, out plainLength, out _);
        }
        if (!ok)
        {
            _counters.Drop(MediaDropReason.SrtpRejected);
            return;
        }
        if (isRtcp)
        {
            _counters.RtcpIn();
            PacketListener.OnRtcp(slot[..plainLength], sender);
            return;
        }
        var packet = slot[..plainLength];
        if (!RtpHeader.TryParse(packet, out var header))
        {
            _counters.Drop(MediaDropReason.MalformedRtp);
            return;
        }
        _counters.RtpIn();
        // Issue 14: the forwarded copies carry the arrival, so the send measures the server's added latency.
        MediaSender.Arrival = receivedAt;
        try
        {
            PacketListener.OnRtp(packet, header, sender, receivedAt);
        }
        finally
        {
            MediaSender.Arrival = 0;
        }
    }

    // Forwarding: copy into a send slot, rewrite SSRC/seq/timestamp (and the payload type when
    // payloadType >= 0), protect with this peer's keys. transportCcExtensionId: the source's
    // transport-wide element, restamped with our own numbering for a subscriber's send-side estimate (issue 11).
    public bool SendRtp(ReadOnlySpan<byte> rtp, uint ssrc, ushort sequenceNumber, uint timestamp, MediaSender sender, int payloadType = -1,
        int transportCcExtensionId = 0, in Vp8DescriptorRewrite vp8 = default)
    {
        lock (_lock)
        {
            if (_srtp is null || _remote.IsEmpty)
                return false;
            var slotMemory = sender.GetSlotMemory();
            var slot = slotMemory.Span;
            if (rtp.Length + _srtp.RtpOverhead > slot.Length)
            {
                _counters.Drop(MediaDropReason.SendBufferFull);
                return false;
            }
            rtp.CopyTo(slot);
            RtpHeaderRewriter.TryRewrite(slot[..rtp.Length], ssrc, sequenceNumber, timestamp);
            if (payloadType >= 0)
                slot[1] = (byte)((slot[1] & 0x80) | payloadType);
            vp8.TryApply(slot[..rtp.Length]);
            if (transportCcExtensionId != 0)
                Downlink?.OnSend(slot[..rtp.Length], transportCcExtensionId, System.Diagnostics.Stopwatch.GetTimestamp());
            // Issue 14: the encryption may be left to the sending thread's multi-buffer batch (run before
            // the batch is sent); the slot is final from here on.
            var protect = sender.SrtpBatch is { } srtpBatch
                ? _srtp.TryProtectRtp(slotMemory, rtp.Length, srtpBatch, out var protectedLength, out _)
                : _srtp.TryProtectRtp(slot, rtp.Length, out protectedLength, out _);
            if (!protect)
                return false;
            sender.Commit(protectedLength, _remote);
            return true;
        }
    }

    // A packet already in its final form (the mixer's, issue 17): protect and send as is, except for its
    // transport-wide element (placed by MixListener), which gets this subscriber's next sequence number
    // like a forwarded packet in SendRtp; a packet without one is sent unstamped.
    public bool SendRtpPacket(ReadOnlySpan<byte> rtp, MediaSender sender)
    {
        lock (_lock)
        {
            if (_srtp is null || _remote.IsEmpty)
                return false;
            var slot = sender.GetSlot();
            if (rtp.Length + _srtp.RtpOverhead > slot.Length)
            {
                _counters.Drop(MediaDropReason.SendBufferFull);
                return false;
            }
            rtp.CopyTo(slot);
            Downlink?.OnSend(slot[..rtp.Length], Bandwidth.TransportSequenceStamper.SubscriberExtensionId, System.Diagnostics.Stopwatch.GetTimestamp());
            if (!_srtp.TryProtectRtp(slot, rtp.Length, out var protectedLength, out _))
                return false;
            sender.Commit(protectedLength, _remote);
            return true;
        }
    }

    public bool SendRtcp(ReadOnlySpan<byte> rtcp, MediaSender sender)
    {
        lock (_lock)
        {
            if (_srtp is null || _remote.IsEmpty)
                return false;
            var slot = sender.GetSlot();
            if (rtcp.Length + _srtp.RtcpOverhead > slot.Length)
                return false;
            rtcp.CopyTo(slot);
            if (!_srtp.TryProtectRtcp(slot, rtcp.Length, out var protectedLength, out _))
                return false;
            sender.Commit(protectedLength, _remote);
            return true;
        }
    }
}
