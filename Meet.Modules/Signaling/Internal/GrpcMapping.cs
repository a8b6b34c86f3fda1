using Meet.Modules.Signaling.Grpc;
using ProtoParticipantInfo = Meet.Modules.Signaling.Grpc.ParticipantInfo;

namespace Meet.Modules.Signaling.Internal;

internal static class GrpcMapping
{
    public static ServerMessage Error(int code, string message) =>
        new() { Error = new ErrorDetails { Code = code, Message = message } };

    public static ParticipantUpdate ToProto(ParticipantUpdateMessage update) => new()
    {
        ParticipantId = update.ParticipantId,
        DisplayName = update.DisplayName,
        Kind = update.Kind ?? "",
        Version = update.Version,
        Action = update.Action switch
        {
            ParticipantUpdateMessage.Joined => ParticipantUpdate.Types.Action.Joined,
            ParticipantUpdateMessage.Left => ParticipantUpdate.Types.Action.Left,
            ParticipantUpdateMessage.Muted => ParticipantUpdate.Types.Action.Muted,
            _ => ParticipantUpdate.Types.Action.Unmuted,
        },
    };

    public static Welcome ToProto(WelcomeMessage welcome)
    {
        var proto = new Welcome { ParticipantId = welcome.ParticipantId, MeetingId = welcome.MeetingId, Role = welcome.Role, DisplayName = welcome.DisplayName, RosterVersion = welcome.RosterVersion };
        proto.Participants.Add(welcome.Participants.Select(ToProto));
        return proto;
    }

    public static RosterSnapshot ToProto(RosterSnapshotMessage snapshot)
    {
        var proto = new RosterSnapshot { Version = snapshot.Version };
        proto.Participants.Add(snapshot.Participants.Select(ToProto));
        return proto;
    }

    private static ProtoParticipantInfo ToProto(ParticipantInfo p) =>
        new() { ParticipantId = p.ParticipantId, DisplayName = p.DisplayName, AudioMuted = p.AudioMuted, VideoMuted = p.VideoMuted, HandRaised = p.HandRaised };
}
