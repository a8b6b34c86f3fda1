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
        update.Kind.Length == 0 ? null : update.Kind);

    public static WelcomeMessage FromProto(Welcome welcome) => new(
        welcome.ParticipantId,
        welcome.MeetingId,
        welcome.Role,
        welcome.DisplayName,
        welcome.Participants.Select(p => new Signaling.ParticipantInfo(p.ParticipantId, p.DisplayName, p.AudioMuted, p.VideoMuted, p.HandRaised)).ToArray());
}
