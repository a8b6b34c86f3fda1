using Meet.Modules.Signaling;
using Meet.Modules.Signaling.Grpc;

namespace Meet.Modules.Client.Internal;

// Proto messages to the transport-neutral records MeetClient exposes.
internal static class GrpcMessages
{
    public static ParticipantUpdateMessage FromProto(ParticipantUpdate update) => new(
        update.ParticipantId,
        update.DisplayName,
        update.Action switch
        {
            ParticipantUpdate.Types.Action.Joined => ParticipantUpdateMessage.Joined,
            ParticipantUpdate.Types.Action.Left => ParticipantUpdateMessage.Left,
            ParticipantUpdate.Types.Action.Muted => ParticipantUpdateMessage.Muted,
            _ => ParticipantUpdateMessage.Unmuted,
        },
        update.Kind.Length == 0 ? null : update.Kind)
    {
        Version = update.Version,
    };

    public static WelcomeMessage FromProto(Welcome welcome) => new(
        welcome.ParticipantId,
        welcome.MeetingId,
        welcome.Role,
        welcome.DisplayName,
        welcome.Participants.Select(FromProto).ToArray())
    {
        RosterVersion = welcome.RosterVersion,
    };

    public static RosterSnapshotMessage FromProto(RosterSnapshot snapshot) => new(snapshot.Version, snapshot.Participants.Select(FromProto).ToArray());

    private static Signaling.ParticipantInfo FromProto(Meet.Modules.Signaling.Grpc.ParticipantInfo p) => new(p.ParticipantId, p.DisplayName, p.AudioMuted, p.VideoMuted, p.HandRaised);
}
