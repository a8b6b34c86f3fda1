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
        lock (_lock)
        {
            dtls = _dtls;
            if (dtls is { Role: DtlsRole.Server } && !_dtlsStarted)
            {
                // The server side starts on the first datagram, so a peer that negotiates but never
                // connects does not run a handshake thread into its timeout.
                _dtlsStarted = true;
                start = true;
            }
        }
        if (dtls is null || !dtls.Feed(packet))
        {
            _counters.Drop(MediaDropReason.DtlsRejected);
            return;
        }
        if (start)
        {
            TransitionTo(MediaConnectionState.Connecting);
            _ = dtls.Start().ContinueWith(t => OnDtlsCompleted(t.Result), TaskScheduler.Default);
        }
    }

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
    public void HandleSrtp(Span<byte> slot, int length, bool isRtcp, MediaSender sender)
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
            _listener.OnRtcp(this, slot[..plainLength], sender);
            return;
        }
        var packet = slot[..plainLength];
        if (!RtpHeader.TryParse(packet, out var header))
        {
            _counters.Drop(MediaDropReason.MalformedRtp);
            return;
        }
        _counters.RtpIn();
        _listener.OnRtp(this, packet, header, sender);
    }

    // Forwarding: copy into a send slot, rewrite SSRC/seq/timestamp, protect with this peer's keys.
    public bool SendRtp(ReadOnlySpan<byte> rtp, uint ssrc, ushort sequenceNumber, uint timestamp, MediaSender sender)
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
            RtpHeaderRewriter.TryRewrite(slot[..rtp.Length], ssrc, sequenceNumber, timestamp);
            if (!_srtp.TryProtectRtp(slot, rtp.Length, out var protectedLength, out _))
                return false;
            sender.Commit(protectedLength, _remote);
            return true;
        }
    }

    // A packet already in its final form (e.g. RTX): protect and send as is.
    public bool SendRtpPacket(ReadOnlySpan<byte> rtp, MediaSender sender)
    {
        lock (_lock)
        {
            if (_srtp is null || _remote.IsEmpty)
                return false;
            var slot = sender.GetSlot();
            if (rtp.Length + _srtp.RtpOverhead > slot.Length)
                return false;
            rtp.CopyTo(slot);
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
