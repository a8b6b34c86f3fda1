namespace Meet.Modules.Signaling.Internal;

// The participant a host action or direct message names: Local when this node holds its session, null
// when another signaling node does (issue 15). Id null only for "nobody" (a meeting-wide message).
internal readonly record struct HostTarget(string? Id, SignalingSession? Local);
