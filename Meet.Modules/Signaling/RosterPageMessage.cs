using System.Runtime.Serialization;

namespace Meet.Modules.Signaling;

// One page of a large roster (participants ordered by id, after the id asked for) as of Version; Total
// counts everyone else. Entries are whole participant states, so a client may apply a page whose
// version is at or above its own and then keep applying deltas in order (docs/signaling.md "Paging").
[DataContract]
public sealed record RosterPageMessage(
    [property: DataMember(Name = "version")] long Version,
    [property: DataMember(Name = "participants")] IReadOnlyList<ParticipantInfo> Participants,
    [property: DataMember(Name = "total")] int Total);
