using System.Runtime.Serialization;

namespace Meet.Modules.Signaling;

// Something said to one participant: Kind is AskUnmute (the host asks; only you can unmute yourself),
// Removed or Ended (the session closes right after).
[DataContract]
public sealed record NoticeMessage(
    [property: DataMember(Name = "kind")] string Kind,
    [property: DataMember(Name = "fromParticipantId")] string? FromParticipantId,
    [property: DataMember(Name = "text")] string Text)
{
    public const string AskUnmute = "ask_unmute";
    public const string Removed = "removed";
    public const string Ended = "ended";
}
