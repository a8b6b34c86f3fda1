namespace Meet.Modules.Allocation;

// What one process does in a cluster (Node:Roles). The default, both, is the single self-hosted node:
// signaling drives the in-process SFU. A signaling-only node reaches media nodes over gRPC
// (Meet.Modules/Media/Remote); a media-only node serves that contract and heartbeats into the registry.
[Flags]
public enum NodeRoles
{
    Signaling = 1,
    Media = 2,
    Both = Signaling | Media,
}
