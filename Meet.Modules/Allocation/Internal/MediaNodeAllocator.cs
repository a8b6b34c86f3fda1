using Meet.Modules.Storage;
using Microsoft.Extensions.Options;

namespace Meet.Modules.Allocation.Internal;

internal sealed class MediaNodeAllocator(IMediaServerRepository servers, IParticipantRepository participants, IOptions<NodeOptions> options, TimeProvider clock) : IMediaNodeAllocator
{
    public async Task<MediaServer?> AllocateAsync(string? region, CancellationToken cancellationToken)
    {
        var node = options.Value;
        var freshSince = clock.GetUtcNow() - node.StaleAfter;
        return await servers.FindLeastLoadedAsync(region ?? node.Region, freshSince, cancellationToken).ConfigureAwait(false)
            ?? await servers.FindLeastLoadedAsync(null, freshSince, cancellationToken).ConfigureAwait(false);
    }

    public Task<MediaServer?> AllocateForJoinAsync(string meetingId, string? region, CancellationToken cancellationToken) =>
        options.Value.Roles.HasFlag(NodeRoles.Media)
            ? AllocateAsync(region, cancellationToken)
            : AllocateForMeetingAsync(meetingId, region, null, cancellationToken);

    public async Task<MediaServer?> AllocateForMeetingAsync(string meetingId, string? region, Guid? excludedServerId, CancellationToken cancellationToken)
    {
        var freshSince = clock.GetUtcNow() - options.Value.StaleAfter;
        if (await participants.FindMeetingMediaServerAsync(meetingId, freshSince, excludedServerId, cancellationToken).ConfigureAwait(false) is { } current &&
            await servers.FindAsync(current, cancellationToken).ConfigureAwait(false) is { } server)
            return server;
        var fresh = await AllocateAsync(region, cancellationToken).ConfigureAwait(false);
        if (fresh is null || fresh.ServerId != excludedServerId)
            return fresh;
        // The least-loaded node is the one being left (its status not yet changed): take the next.
        return await servers.FindLeastLoadedExceptAsync(region ?? options.Value.Region, excludedServerId.Value, freshSince, cancellationToken).ConfigureAwait(false)
            ?? await servers.FindLeastLoadedExceptAsync(null, excludedServerId.Value, freshSince, cancellationToken).ConfigureAwait(false);
    }
}
