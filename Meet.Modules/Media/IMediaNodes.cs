using Meet.Modules.Storage;

namespace Meet.Modules.Media;

// The media module of any node in the registry, for a signaling-only node (Node:Roles=signaling):
// the same IMediaModule contract, served over gRPC by that node.
public interface IMediaNodes
{
    IMediaModule For(MediaServer server);

    // A participant's control stream to this node broke without a leave: the node may have died. The
    // failover confirms with ProbeAsync instead of waiting for the registry's 2 s silence.
    event Action<Guid>? StreamLost;

    // Drops the connection to a node given up on (dead, drained): a node that comes back at the same
    // address gets a fresh one instead of a pooled connection to the old process.
    void Forget(Guid serverId);

    // True when the node answers a control call within the timeout.
    Task<bool> ProbeAsync(MediaServer server, TimeSpan timeout, CancellationToken cancellationToken);
}
