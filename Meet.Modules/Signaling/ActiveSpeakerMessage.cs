using System.Runtime.Serialization;

namespace Meet.Modules.Signaling;

// The meeting's dominant speaker (null before anyone spoke) and the recent speakers, most recent first.
[DataContract]
public sealed record ActiveSpeakerMessage(
    [property: DataMember(Name = "participantId")] string? ParticipantId,
    [property: DataMember(Name = "recentSpeakers")] IReadOnlyList<string> RecentSpeakers);
