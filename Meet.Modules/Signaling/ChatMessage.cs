using System.Runtime.Serialization;

namespace Meet.Modules.Signaling;

// A chat message as the server stored and relayed it: the id and time are the server's, the sender is
// the session that sent it (never a client-supplied id). ToParticipantId null = meeting-wide.
[DataContract]
public sealed record ChatMessage(
    [property: DataMember(Name = "id")] string Id,
    [property: DataMember(Name = "fromParticipantId")] string FromParticipantId,
    [property: DataMember(Name = "fromDisplayName")] string FromDisplayName,
    [property: DataMember(Name = "toParticipantId")] string? ToParticipantId,
    [property: DataMember(Name = "text")] string Text,
    [property: DataMember(Name = "sentAtMs")] long SentAtMs);
