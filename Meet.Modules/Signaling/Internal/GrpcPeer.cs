using System.Threading.Channels;
using Grpc.Core;
using Meet.Modules.Signaling.Grpc;

namespace Meet.Modules.Signaling.Internal;

// gRPC allows one write at a time on a stream, so every sender queues and one loop writes.
internal sealed class GrpcPeer : ISignalingPeer
{
    private readonly Channel<ServerMessage> outbox = Channel.CreateBounded<ServerMessage>(new BoundedChannelOptions(1024)
    {
        SingleReader = true,
        // A client that stops reading loses roster updates rather than growing server memory; the gap in
        // roster versions makes it ask for a snapshot (roster_request) once it reads again.
        FullMode = BoundedChannelFullMode.DropOldest,
    });
    private readonly CancellationTokenSource closed;

    public GrpcPeer(CancellationToken callAborted) => closed = CancellationTokenSource.CreateLinkedTokenSource(callAborted);

    public CancellationToken Closed => closed.Token;

    public void Send(ServerMessage message) => outbox.Writer.TryWrite(message);

    public async Task WriteLoopAsync(IServerStreamWriter<ServerMessage> stream)
    {
        try
        {
            await foreach (var message in outbox.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
                await stream.WriteAsync(message).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or OperationCanceledException or RpcException)
        {
            // The call ended under us; nothing left to deliver.
        }
    }

    public void Complete() => outbox.Writer.TryComplete();

    public void SendSubscriberOffer(string sdp, long version) =>
        Send(new ServerMessage { Sdp = new SessionDescription { Type = SessionDescription.Types.Type.Offer, SdpPlaintext = sdp, Version = (ulong)version } });

    public void SendParticipantUpdates(IReadOnlyList<ParticipantUpdateMessage> updates)
    {
        foreach (var update in updates)
            Send(new ServerMessage { Update = GrpcMapping.ToProto(update) });
    }

    public void SendError(int code, string message) => Send(GrpcMapping.Error(code, message));

    public void SendActiveSpeaker(ActiveSpeakerMessage speaker)
    {
        var message = new ActiveSpeaker { ParticipantId = speaker.ParticipantId ?? "" };
        message.RecentSpeakers.Add(speaker.RecentSpeakers);
        Send(new ServerMessage { ActiveSpeaker = message });
    }

    public void SendSlotAssignments(IReadOnlyList<SlotAssignmentMessage> slots)
    {
        var message = new SlotAssignments();
        foreach (var slot in slots)
            message.Slots.Add(new SlotAssignment { Mid = slot.Mid, Kind = slot.Kind, ParticipantId = slot.ParticipantId ?? "", TrackId = slot.TrackId ?? "" });
        Send(new ServerMessage { SlotAssignments = message });
    }

    public void SendMediaReconnect(string reason) => Send(new ServerMessage { MediaReconnect = new MediaReconnect { Reason = reason } });

    public void Close()
    {
        Complete();
        closed.Cancel();
    }
}
