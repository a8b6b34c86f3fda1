using System.Runtime.Serialization;

namespace Meet.Modules.Signaling;

// Action is JOINED | LEFT | MUTED | UNMUTED; Kind ("audio" | "video") only for MUTED/UNMUTED.
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

    [DataMember(Name = "version")]
    public long Version { get; init; }
}
