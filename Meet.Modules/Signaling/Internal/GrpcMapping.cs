using Meet.Modules.Signaling.Grpc;
using ProtoChatMessage = Meet.Modules.Signaling.Grpc.ChatMessage;
using ProtoParticipantInfo = Meet.Modules.Signaling.Grpc.ParticipantInfo;

namespace Meet.Modules.Signaling.Internal;

internal static class GrpcMapping
{
    public static ServerMessage Error(int code, string message, ulong requestId = 0) =>
        new() { Error = new ErrorDetails { Code = code, Message = message, RequestId = requestId } };

    public static ParticipantUpdate ToProto(ParticipantUpdateMessage update)
    {
        var proto = new ParticipantUpdate
        {
            ParticipantId = update.ParticipantId,
            DisplayName = update.DisplayName,
            Kind = update.Kind ?? "",
            Version = update.Version,
            ByHost = update.ByHost,
            Action = update.Action switch
            {
                ParticipantUpdateMessage.Joined => ParticipantUpdate.Types.Action.Joined,
                ParticipantUpdateMessage.Left => ParticipantUpdate.Types.Action.Left,
                ParticipantUpdateMessage.Muted => ParticipantUpdate.Types.Action.Muted,
                ParticipantUpdateMessage.HandRaised => ParticipantUpdate.Types.Action.HandRaised,
                ParticipantUpdateMessage.HandLowered => ParticipantUpdate.Types.Action.HandLowered,
                ParticipantUpdateMessage.RoleChanged => ParticipantUpdate.Types.Action.RoleChanged,
                ParticipantUpdateMessage.ConnectionChanged => ParticipantUpdate.Types.Action.ConnectionChanged,
                ParticipantUpdateMessage.ScreenShareStarted => ParticipantUpdate.Types.Action.ScreenShareStarted,
                ParticipantUpdateMessage.ScreenShareStopped => ParticipantUpdate.Types.Action.ScreenShareStopped,
                _ => ParticipantUpdate.Types.Action.Unmuted,
            },
        };
        if (update.Participant is { } info)
            proto.Info = ToProto(info);
        return proto;
    }

    public static Welcome ToProto(WelcomeMessage welcome)
    {
        var proto = new Welcome
        {
            ParticipantId = welcome.ParticipantId,
            MeetingId = welcome.MeetingId,
            Role = welcome.Role,
            DisplayName = welcome.DisplayName,
            RosterVersion = welcome.RosterVersion,
            RosterTotal = welcome.RosterTotal,
            Locked = welcome.Locked,
        };
        proto.Participants.Add(welcome.Participants.Select(ToProto));
        proto.ChatHistory.Add(welcome.ChatHistory.Select(ToProto));
        return proto;
    }

    public static RosterSnapshot ToProto(RosterSnapshotMessage snapshot)
    {
        var proto = new RosterSnapshot { Version = snapshot.Version };
        proto.Participants.Add(snapshot.Participants.Select(ToProto));
        return proto;
    }

    public static RosterPage ToProto(RosterPageMessage page)
    {
        var proto = new RosterPage { Version = page.Version, Total = page.Total };
        proto.Participants.Add(page.Participants.Select(ToProto));
        return proto;
    }

    public static ProtoChatMessage ToProto(ChatMessage message) => new()
    {
        Id = message.Id,
        FromParticipantId = message.FromParticipantId,
        FromDisplayName = message.FromDisplayName,
        ToParticipantId = message.ToParticipantId ?? "",
        Text = message.Text,
        SentAtMs = message.SentAtMs,
    };

    private static ProtoParticipantInfo ToProto(ParticipantInfo p) =>
        new()
        {
            ParticipantId = p.ParticipantId,
            DisplayName = p.DisplayName,
            AudioMuted = p.AudioMuted,
            VideoMuted = p.VideoMuted,
            HandRaised = p.HandRaised,
            Role = p.Role,
            HandRaisedOrder = p.HandRaisedOrder,
            Connection = p.Connection,
            ScreenSharing = p.ScreenSharing,
        };
}
