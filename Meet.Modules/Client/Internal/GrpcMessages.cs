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
            ParticipantUpdate.Types.Action.HandRaised => ParticipantUpdateMessage.HandRaised,
            ParticipantUpdate.Types.Action.HandLowered => ParticipantUpdateMessage.HandLowered,
            ParticipantUpdate.Types.Action.RoleChanged => ParticipantUpdateMessage.RoleChanged,
            ParticipantUpdate.Types.Action.ConnectionChanged => ParticipantUpdateMessage.ConnectionChanged,
            ParticipantUpdate.Types.Action.ScreenShareStarted => ParticipantUpdateMessage.ScreenShareStarted,
            ParticipantUpdate.Types.Action.ScreenShareStopped => ParticipantUpdateMessage.ScreenShareStopped,
            _ => ParticipantUpdateMessage.Unmuted,
        },
        update.Kind.Length == 0 ? null : update.Kind)
    {
        Version = update.Version,
        ByHost = update.ByHost,
        Participant = update.Info is null ? null : FromProto(update.Info),
    };

    public static WelcomeMessage FromProto(Welcome welcome) => new(
        welcome.ParticipantId,
        welcome.MeetingId,
        welcome.Role,
        welcome.DisplayName,
        welcome.Participants.Select(FromProto).ToArray())
    {
        RosterVersion = welcome.RosterVersion,
        RosterTotal = welcome.RosterTotal,
        Locked = welcome.Locked,
        ChatHistory = welcome.ChatHistory.Select(FromProto).ToArray(),
    };

    public static RosterPageMessage FromProto(RosterPage page) => new(page.Version, page.Participants.Select(FromProto).ToArray(), page.Total);

    public static Signaling.ChatMessage FromProto(Meet.Modules.Signaling.Grpc.ChatMessage m) =>
        new(m.Id, m.FromParticipantId, m.FromDisplayName, m.ToParticipantId.Length == 0 ? null : m.ToParticipantId, m.Text, m.SentAtMs);

    public static RosterSnapshotMessage FromProto(RosterSnapshot snapshot) => new(snapshot.Version, snapshot.Participants.Select(FromProto).ToArray());

    private static Signaling.ParticipantInfo FromProto(Meet.Modules.Signaling.Grpc.ParticipantInfo p) =>
        new(p.ParticipantId, p.DisplayName, p.AudioMuted, p.VideoMuted, p.HandRaised)
        {
            Role = p.Role.Length == 0 ? "participant" : p.Role,
            HandRaisedOrder = p.HandRaisedOrder,
            // An older server sends no connection state: it only lists connected participants.
            Connection = p.Connection.Length == 0 ? ParticipantConnection.Connected : p.Connection,
            ScreenSharing = p.ScreenSharing,
        };
}
