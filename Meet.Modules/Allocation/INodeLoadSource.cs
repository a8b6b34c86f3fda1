using Meet.Modules.Storage;

namespace Meet.Modules.Allocation;

// What each heartbeat reports. The media module replaces the default (CPU of this process,
// CONNECTED participants from storage, no egress figure) once it forwards packets.
public interface INodeLoadSource
{
    ValueTask<MediaServerLoad> SampleAsync(Guid serverId, CancellationToken cancellationToken);
}
