using System.Runtime.Serialization;

namespace Meet.Modules.Signaling;

// Participants are everyone else already in the meeting (not the joiner itself), as of RosterVersion:
// the joiner's own JOINED is included in it, and the next update it receives has RosterVersion + 1.
[DataContract]
public sealed record WelcomeMessage(
    [property: DataMember(Name = "participantId")] string ParticipantId,
    [property: DataMember(Name = "meetingId")] string MeetingId,
    [property: DataMember(Name = "role")] string Role,
    [property: DataMember(Name = "displayName")] string DisplayName,
    [property: DataMember(Name = "participants")] IReadOnlyList<ParticipantInfo> Participants)
{
    [DataMember(Name = "rosterVersion")]
    public long RosterVersion { get; init; }

    // Everyone else; Participants is only the first page when this is larger (fetch the rest with
    // GetRosterPage). Issue 13.
    [DataMember(Name = "rosterTotal")]
    public int RosterTotal { get; init; }

    // The meeting's recent chat this participant may read (meeting-wide and its direct messages), oldest first.
    [DataMember(Name = "chatHistory")]
    public IReadOnlyList<ChatMessage> ChatHistory { get; init; } = [];

    [DataMember(Name = "locked")]
    public bool Locked { get; init; }
}
