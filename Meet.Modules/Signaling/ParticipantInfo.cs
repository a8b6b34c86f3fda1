using System.Runtime.Serialization;

namespace Meet.Modules.Signaling;

// DataMember names give MessagePack the same camelCase keys JSON uses.
[DataContract]
public sealed record ParticipantInfo(
    [property: DataMember(Name = "participantId")] string ParticipantId,
    [property: DataMember(Name = "displayName")] string DisplayName,
    [property: DataMember(Name = "audioMuted")] bool AudioMuted,
    [property: DataMember(Name = "videoMuted")] bool VideoMuted,
    [property: DataMember(Name = "handRaised")] bool HandRaised);
