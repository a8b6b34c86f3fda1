using System.Runtime.Serialization;

namespace Meet.Modules.Signaling;

// One receive slot of the subscriber PeerConnection (bounded slots): its mid, "audio" or "video", and
// whom it shows now (null when idle).
[DataContract]
public sealed record SlotAssignmentMessage(
    [property: DataMember(Name = "mid")] string Mid,
    [property: DataMember(Name = "kind")] string Kind,
    [property: DataMember(Name = "participantId")] string? ParticipantId,
    [property: DataMember(Name = "trackId")] string? TrackId);
