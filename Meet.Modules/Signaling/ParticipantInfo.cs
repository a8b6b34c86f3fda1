using System.Runtime.Serialization;

namespace Meet.Modules.Signaling;

// DataMember names give MessagePack the same camelCase keys JSON uses.
[DataContract]
public sealed record ParticipantInfo(
    [property: DataMember(Name = "participantId")] string ParticipantId,
    [property: DataMember(Name = "displayName")] string DisplayName,
    [property: DataMember(Name = "audioMuted")] bool AudioMuted,
    [property: DataMember(Name = "videoMuted")] bool VideoMuted,
    [property: DataMember(Name = "handRaised")] bool HandRaised)
{
    // "host" | "participant" | "guest" (issue 13); the role can change during the meeting (make/transfer host).
    [DataMember(Name = "role")]
    public string Role { get; init; } = "participant";

    // The hand's place in the meeting's raise order (1 = raised first); 0 when not raised.
    [DataMember(Name = "handRaisedOrder")]
    public long HandRaisedOrder { get; init; }

    // ParticipantConnection: what the server sees of this participant's signaling and media paths.
    [DataMember(Name = "connection")]
    public string Connection { get; init; } = ParticipantConnection.Connected;

    // The participant publishes a screen share (an a=content:slides section, RFC 4796).
    [DataMember(Name = "screenSharing")]
    public bool ScreenSharing { get; init; }
}
