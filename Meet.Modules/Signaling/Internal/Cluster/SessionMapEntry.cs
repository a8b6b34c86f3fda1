namespace Meet.Modules.Signaling.Internal.Cluster;

// One live participant in the session map: the signaling node holding its connection, the media node
// serving it (null when media runs inside the signaling node) and its roster state.
internal sealed record SessionMapEntry(string SignalingNodeId, Guid? MediaServerId, ParticipantInfo Info);
