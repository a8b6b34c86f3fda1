using System.Runtime.Serialization;

namespace Meet.Modules.Signaling;

// Participants are everyone else already in the meeting (not the joiner itself).
[DataContract]
public sealed record WelcomeMessage(
    [property: DataMember(Name = "participantId")] string ParticipantId,
    [property: DataMember(Name = "meetingId")] string MeetingId,
    [property: DataMember(Name = "role")] string Role,
    [property: DataMember(Name = "displayName")] string DisplayName,
    [property: DataMember(Name = "participants")] IReadOnlyList<ParticipantInfo> Participants);
