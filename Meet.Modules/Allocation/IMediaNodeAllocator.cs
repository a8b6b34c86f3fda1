using Meet.Modules.Storage;

namespace Meet.Modules.Allocation;

public interface IMediaNodeAllocator
{
    // Least-loaded ONLINE node of the region (this node's region when null), else of any region;
    // null when no node has heartbeated within Node:StaleAfter.
    Task<MediaServer?> AllocateAsync(string? region, CancellationToken cancellationToken);

    // The node of a joining participant. A node with the media role serves its own joiners in-process
    // whatever the registry says, so this is AllocateAsync there (no extra query); a signaling-only
    // node keeps the meeting on one node (AllocateForMeetingAsync).
    Task<MediaServer?> AllocateForJoinAsync(string meetingId, string? region, CancellationToken cancellationToken);

    // A meeting's participants share one SFU: the node its live participants already use when that
    // one is ONLINE and fresh, else AllocateAsync's choice. excludedServerId (a dead or draining node
    // being left) is never returned.
    Task<MediaServer?> AllocateForMeetingAsync(string meetingId, string? region, Guid? excludedServerId, CancellationToken cancellationToken);
}
