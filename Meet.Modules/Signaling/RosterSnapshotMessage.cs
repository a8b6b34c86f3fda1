using System.Runtime.Serialization;

namespace Meet.Modules.Signaling;

// The answer to a roster resync (hub GetRoster / gRPC roster_request): everyone else in the meeting as
// of Version. Updates with a version at or below it are already reflected.
[DataContract]
public sealed record RosterSnapshotMessage(
    [property: DataMember(Name = "version")] long Version,
    [property: DataMember(Name = "participants")] IReadOnlyList<ParticipantInfo> Participants);
