using System.Runtime.Serialization;

namespace Meet.Modules.Signaling;

// Action is JOINED | LEFT | MUTED | UNMUTED; Kind ("audio" | "video") only for MUTED/UNMUTED.
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
}
