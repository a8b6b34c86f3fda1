using System.Runtime.Serialization;

namespace Meet.Modules.Signaling;

// Meeting-wide state every member is told about when it changes (issue 13).
[DataContract]
public sealed record MeetingStateMessage([property: DataMember(Name = "locked")] bool Locked);
