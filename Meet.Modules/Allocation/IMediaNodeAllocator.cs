using Meet.Modules.Storage;

namespace Meet.Modules.Allocation;

public interface IMediaNodeAllocator
{
    // Least-loaded ONLINE node of the region (this node's region when null), else of any region;
    // null when no node has heartbeated within Node:StaleAfter.
    Task<MediaServer?> AllocateAsync(string? region, CancellationToken cancellationToken);
}
