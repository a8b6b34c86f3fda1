using System.Runtime.Serialization;

namespace Meet.Modules.Signaling;

// Action is JOINED | LEFT | MUTED | UNMUTED | HAND_RAISED | HAND_LOWERED | ROLE_CHANGED |
// CONNECTION_CHANGED | SCREEN_SHARE_STARTED | SCREEN_SHARE_STOPPED; Kind ("audio" |
// "video") only for MUTED/UNMUTED. Participant is the whole state after the change (null for LEFT), so
// applying an update is "set this participant", which is what lets roster pages and deltas interleave.
// Version is the meeting's roster version this change produced: every member receives every change
// after its snapshot (its own included) with versions one apart, so a gap means something was lost.
[DataContract]
public sealed record ParticipantUpdateMessage(
    [property: DataMember(Name = "participantId")] string ParticipantId,
    [property: DataMember(Name = "displayName")] string DisplayName,
    [property: DataMember(Name = "action")] string Action,
    [property: DataMember(Name = "kind")] string? Kind)
{
    public const string Joined = "JOINED";
    public const string Left = "LEFT";
    public const string Muted = "MUTED";
    public const string Unmuted = "UNMUTED";
    public const string HandRaised = "HAND_RAISED";
    public const string HandLowered = "HAND_LOWERED";
    public const string RoleChanged = "ROLE_CHANGED";
    public const string ConnectionChanged = "CONNECTION_CHANGED";
    public const string ScreenShareStarted = "SCREEN_SHARE_STARTED";
    public const string ScreenShareStopped = "SCREEN_SHARE_STOPPED";

    [DataMember(Name = "participant")]
    public ParticipantInfo? Participant { get; init; }

    // The host made this change (a host mute, a lowered hand).
    [DataMember(Name = "byHost")]
    public bool ByHost { get; init; }

    [DataMember(Name = "version")]
    public long Version { get; init; }
}
