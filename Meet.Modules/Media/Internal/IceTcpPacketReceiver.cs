using Meet.PacketEngine;

namespace Meet.Modules.Media.Internal;

// Frames from the ICE-TCP listener (already de-framed per RFC 4571) go through the same
// demultiplexer as UDP. Their source addresses are marked as TCP peers *before* demultiplexing, so
// the STUN answer to a connectivity check already goes back over the connection; an address that
// no transport took up (an unauthenticated check) is unmarked afterwards, so the table only holds
// peers of live transports (MediaModule.UnregisterAddress removes those when they close).
internal sealed class IceTcpPacketReceiver(MediaModule module, MediaPacketReceiver inner) : IPacketReceiver
{
    public void OnReceived(IPacketChannel channel, PacketBatch batch)
    {
        var sender = module.Sender;
        for (var i = 0; i < batch.Count; i++)
            sender.AddTcpPeer(batch.GetAddress(i));
        inner.OnReceived(channel, batch);
        for (var i = 0; i < batch.Count; i++)
        {
            var source = batch.GetAddress(i);
            if (!module.TryGetByAddress(source, out _))
                sender.RemoveTcpPeer(source);
        }
    }
}
