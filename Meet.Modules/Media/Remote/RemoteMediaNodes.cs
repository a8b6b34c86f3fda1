using System.Collections.Concurrent;
using System.Net;
using Meet.Modules.Allocation;
using Meet.Modules.Storage;
using Microsoft.Extensions.Options;

namespace Meet.Modules.Media.Remote;

// The media nodes a signaling-only node talks to: one RemoteMediaModule per media_servers row, at
// http://{ip_address}:{Node:ControlPort}, made on first use and kept for the process's life.
internal sealed class RemoteMediaNodes(IOptions<NodeOptions> options) : IMediaNodes, IDisposable
{
    private readonly ConcurrentDictionary<(Guid, string), RemoteMediaModule> nodes = new();

    public event Action<Guid>? StreamLost;

    public IMediaModule For(MediaServer server) => Module(server);

    public async Task<bool> ProbeAsync(MediaServer server, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await Module(server).ProbeAsync(timeout, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is global::Grpc.Core.RpcException or HttpRequestException or IOException)
        {
            return false;
        }
    }

    // Not disposed here: calls of sessions still being moved may use it; a dead node's channel is idle.
    public void Forget(Guid serverId)
    {
        foreach (var key in nodes.Keys.Where(k => k.Item1 == serverId))
            nodes.TryRemove(key, out _);
    }

    private RemoteMediaModule Module(MediaServer server) =>
        nodes.GetOrAdd((server.ServerId, server.IpAddress), key =>
        {
            var node = options.Value;
            var host = IPAddress.TryParse(key.Item2, out var ip) ? ip.ToString() : key.Item2;
            var address = new UriBuilder(Uri.UriSchemeHttp, host, node.ControlPort).Uri;
            return new RemoteMediaModule(address, node.ClusterKey, node.ControlCallTimeout, () => StreamLost?.Invoke(key.Item1));
        });

    public void Dispose()
    {
        foreach (var node in nodes.Values)
            node.Dispose();
    }
}
