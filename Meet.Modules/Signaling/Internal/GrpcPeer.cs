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
    // A roster flush hands the same update objects to every member: convert each to proto once and share
    // it (a proto message may sit in many parents; serialisation does not mutate it).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ParticipantUpdateMessage, ParticipantUpdate> Converted = new();
    // Likewise a chat message fans out as one shared ServerMessage.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ChatMessage, ServerMessage> ConvertedChat = new();

    private readonly SignalingTraffic traffic;

    public GrpcPeer(CancellationToken callAborted, SignalingTraffic traffic)
    {
        closed = CancellationTokenSource.CreateLinkedTokenSource(callAborted);
        this.traffic = traffic;
    }

    // Set from the first message (batched_updates): a flush goes out as one `updates` message.
    public bool BatchedUpdates { get; set; }

    public CancellationToken Closed => closed.Token;

    public void Send(ServerMessage message)
    {
        if (outbox.Writer.TryWrite(message))
            traffic.SentGrpc(message.CalculateSize());
    }

    public async Task WriteLoopAsync(IServerStreamWriter<ServerMessage> stream)
    {
        try
        {
            await foreach (var message in outbox.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                await stream.WriteAsync(message).ConfigureAwait(false);
                if (message.PayloadCase == ServerMessage.PayloadOneofCase.Chat)
                    traffic.ChatWritten();
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or OperationCanceledException or RpcException)
        {
            // The call ended under us; nothing left to deliver.
        }
    }

    public void Complete() => outbox.Writer.TryComplete();

    // Each gRPC stream has its own writer loop, so chat is queued to each (the message object is shared).
    public bool ReceivesMeetingChatByGroup => false;

    public void SendSubscriberOffer(string sdp, long version) =>
        Send(new ServerMessage { Sdp = new SessionDescription { Type = SessionDescription.Types.Type.Offer, SdpPlaintext = sdp, Version = (ulong)version } });

    public void SendParticipantUpdates(IReadOnlyList<ParticipantUpdateMessage> updates)
    {
        if (BatchedUpdates)
        {
            var batch = new ParticipantUpdates();
            foreach (var update in updates)
                batch.Updates.Add(Converted.GetValue(update, GrpcMapping.ToProto));
            traffic.SentRoster(updates.Count);
            Send(new ServerMessage { Updates = batch });
            return;
        }
        foreach (var update in updates)
        {
            traffic.SentRoster(1);
            Send(new ServerMessage { Update = GrpcMapping.ToProto(update) });
        }
    }

    public void SendChat(ChatMessage message) => Send(ConvertedChat.GetValue(message, m => new ServerMessage { Chat = GrpcMapping.ToProto(m) }));

    public void SendMeetingState(MeetingStateMessage state) => Send(new ServerMessage { MeetingState = new MeetingState { Locked = state.Locked } });

    public void SendNotice(NoticeMessage notice) =>
        Send(new ServerMessage { Notice = new Notice { Kind = notice.Kind, FromParticipantId = notice.FromParticipantId ?? "", Text = notice.Text } });

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

    public void SendPublisherLayers(PublisherLayersMessage layers)
    {
        var message = new PublisherLayers { Mid = layers.Mid };
        foreach (var layer in layers.Layers)
            message.Layers.Add(new PublisherLayer { Rid = layer.Rid, Active = layer.Active });
        Send(new ServerMessage { PublisherLayers = message });
    }

    public void SendMediaReconnect(string reason) => Send(new ServerMessage { MediaReconnect = new MediaReconnect { Reason = reason } });

    public void SendMediaMoved(string reason) => Send(new ServerMessage { MediaReconnect = new MediaReconnect { Reason = reason, NewNode = true } });

    public void Close()
    {
        Complete();
        closed.Cancel();
    }
}
