using Meet.Modules.Media.Protocols.Ice;
using Meet.Modules.Media.Protocols.Stun;
using Meet.Modules.Media.Transport;
using Meet.PacketEngine;

namespace Meet.Modules.Media.Internal;

// The demultiplexer on the media port (SPEC "The packet path"): first byte (RFC 7983), then the
// transport by ICE ufrag for STUN or by remote address for everything else. Every datagram that
// goes nowhere is a counted drop; nothing here throws or allocates.
// Issue 14: on a loop that can hold (IHoldingPacketReceiver) the sends of a receive batch may wait for the
// rest of a video frame (FrameHold, Media:FrameHoldMicroseconds); elsewhere each batch's sends leave at its end.
internal sealed class MediaPacketReceiver(MediaModule module) : IHoldingPacketReceiver
{
    public void OnReceived(IPacketChannel channel, PacketBatch batch)
    {
        var sender = module.Sender;
        for (var i = 0; i < batch.Count; i++)
            Handle(channel, batch, i, sender);
        sender.Flush();
    }

    public long OnReceivedHolding(IPacketChannel channel, PacketBatch batch)
    {
        var sender = module.Sender;
        if (sender.BeginHold() is not { } hold)
        {
            OnReceived(channel, batch);
            return 0;
        }
        for (var i = 0; i < batch.Count; i++)
        {
            var commits = sender.CommitsOnThread;
            hold.BeginPacket();
            Handle(channel, batch, i, sender);
            hold.EndPacket(sender.CommitsOnThread != commits);
        }
        return sender.EndHold(hold);
    }

    public void OnHoldExpired(IPacketChannel channel) => module.Sender.ReleaseHold();

    private void Handle(IPacketChannel channel, PacketBatch batch, int i, MediaSender sender)
    {
        var source = batch.GetAddress(i);
        var length = batch.GetLength(i);
        var slot = batch.GetSlot(i);
        var packet = slot[..length];
        switch (PacketClassifier.Classify(packet))
        {
            case PacketKind.Stun:
                HandleStun(packet, source, sender, channel);
                break;
            case PacketKind.Dtls:
                if (module.TryGetByAddress(source, out var dtlsTransport))
                    dtlsTransport.HandleDtls(packet);
                else
                    Drop(channel, MediaDropReason.UnknownPeer);
                break;
            case PacketKind.Rtp:
            case PacketKind.Rtcp:
                if (module.TryGetByAddress(source, out var mediaTransport))
                    mediaTransport.HandleSrtp(slot, length, packet[1] is >= 192 and <= 223, sender, batch.GetReceiveTimestamp(i));
                else
                    Drop(channel, MediaDropReason.UnknownPeer);
                break;
            default:
                Drop(channel, MediaDropReason.NotWebRtc);
                break;
        }
    }

    private void HandleStun(ReadOnlySpan<byte> packet, in PacketAddress source, MediaSender sender, IPacketChannel channel)
    {
        if (!StunMessage.TryParse(packet, out var message) || !message.TryGetUsername(out var username)
            || !IceCredentials.TrySplitUsername(username, out var receiverUfrag, out _)
            || !UfragKey.TryCreate(receiverUfrag, out var key) || !module.TryGetByUfrag(key, out var transport))
        {
            Drop(channel, MediaDropReason.UnknownPeer);
            return;
        }
        transport.HandleStun(packet, source, sender);
    }

    private void Drop(IPacketChannel channel, MediaDropReason reason)
    {
        module.Counters.Drop(reason);
        channel.Counters.AddDrop(reason == MediaDropReason.NotWebRtc ? DropReason.Malformed : DropReason.UnknownPeer);
    }
}
