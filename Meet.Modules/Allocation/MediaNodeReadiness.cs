using Microsoft.Extensions.Configuration;

namespace Meet.Modules.Allocation;

// Whether this media node may register in media_servers yet. A media-only node of a cluster first warms
// itself up (MediaNodeWarmUp): a failover moves whole meetings to a node that may never have hosted a
// call, and a cold process spent about a second on JIT and first connections before it could answer
// (measured: "media on the new node 1,096 ms"). Every other node is ready at once.
public sealed class MediaNodeReadiness
{
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public MediaNodeReadiness(bool warmsUp)
    {
        if (!warmsUp)
            ready.SetResult();
    }

    public bool Pending => !ready.Task.IsCompleted;

    public Task Ready => ready.Task;

    // True when the warm-up call ran to its end (RTP forwarded); false when it failed or was not run.
    public bool WarmedUp { get; private set; }

    public void MarkReady(bool warmedUp)
    {
        WarmedUp = warmedUp;
        ready.TrySetResult();
    }

    // A media-only node with a control endpoint and Node:WarmUp on (the default).
    public static bool WarmsUp(IConfiguration configuration)
    {
        var node = configuration.GetSection(NodeOptions.SectionName).Get<NodeOptions>() ?? new NodeOptions();
        return AllocationModuleExtensions.RolesOf(configuration) == NodeRoles.Media && node.ControlPort is > 0 and <= 65535 && node.WarmUp;
    }
}
