using Meet.Modules.Storage;
using Microsoft.Extensions.Options;

namespace Meet.Modules.Allocation.Internal;

internal sealed class MediaNodeAllocator(IMediaServerRepository servers, IOptions<NodeOptions> options, TimeProvider clock) : IMediaNodeAllocator
{
    public async Task<MediaServer?> AllocateAsync(string? region, CancellationToken cancellationToken)
    {
        var node = options.Value;
        var freshSince = clock.GetUtcNow() - node.StaleAfter;
        return await servers.FindLeastLoadedAsync(region ?? node.Region, freshSince, cancellationToken).ConfigureAwait(false)
            ?? await servers.FindLeastLoadedAsync(null, freshSince, cancellationToken).ConfigureAwait(false);
    }
}
