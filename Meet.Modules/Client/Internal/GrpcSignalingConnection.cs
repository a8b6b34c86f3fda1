using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client;
using Meet.Modules.Signaling;
using Meet.Modules.Signaling.Grpc;

namespace Meet.Modules.Client.Internal;

// The seed's EstablishSession stream (contract 3). The stream has no request ids, so replies are matched
// by order: the server answers publisher offers in the order they were sent, and an error that arrives
// while an offer is outstanding is that offer's refusal.
internal sealed class GrpcSignalingConnection(Uri grpcAddress, ISignalingEvents events) : ISignalingConnection
{
    private readonly ConcurrentQueue<TaskCompletionSource<string>> pendingOffers = new();
    private readonly ConcurrentQueue<TaskCompletionSource<RosterSnapshotMessage>> pendingRosters = new();
    private readonly ConcurrentQueue<TaskCompletionSource<RosterPageMessage>> pendingPages = new();
    // Issue 13's commands carry a request_id; the server answers each with an ack or an error naming it.
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource> pendingCommands = new();
    private long nextRequestId;
    private readonly SemaphoreSlim writeGate = new(1, 1);
    private readonly TaskCompletionSource<WelcomeMessage> welcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private GrpcChannel? channel;
    private AsyncDuplexStreamingCall<ClientMessage, ServerMessage>? call;
    private Task? reader;
    private volatile bool leaving;

    public async Task<WelcomeMessage> ConnectAsync(string meetingId, string token, string displayName, bool batchedUpdates, CancellationToken cancellationToken)
    {
        channel = GrpcChannel.ForAddress(grpcAddress);
        call = new SignalingService.SignalingServiceClient(channel).EstablishSession(cancellationToken: CancellationToken.None);
        reader = Task.Run(ReadLoopAsync, CancellationToken.None);
        try
        {
            await WriteAsync(new ClientMessage { MeetingId = meetingId, Token = token, DisplayName = displayName, BatchedUpdates = batchedUpdates }, cancellationToken).ConfigureAwait(false);
        }
        catch (SignalingErrorException) when (!cancellationToken.IsCancellationRequested)
        {
            // The server can answer and end the stream before our first message is written (a connect
            // refused with 429 in a reconnection storm). What it said is the connect's outcome: the read
            // loop puts it (or "the stream ended") on the welcome, so a 429 is retried, not taken for a 503.
        }
        return await welcome.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task ReadLoopAsync()
    {
        Exception? failure = null;
        try
        {
            await foreach (var message in call!.ResponseStream.ReadAllAsync().ConfigureAwait(false))
                Dispatch(message);
        }
        catch (Exception ex) when (ex is RpcException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            failure = ex;
        }
        var closed = new SignalingErrorException(SignalingErrorCodes.MediaUnavailable, "the signaling stream ended");
        welcome.TrySetException(closed);
        while (pendingOffers.TryDequeue(out var offer))
            offer.TrySetException(closed);
        while (pendingRosters.TryDequeue(out var roster))
            roster.TrySetException(closed);
        while (pendingPages.TryDequeue(out var page))
            page.TrySetException(closed);
        foreach (var id in pendingCommands.Keys)
            if (pendingCommands.TryRemove(id, out var command))
                command.TrySetException(closed);
        if (!leaving)
            events.OnClosed(this, failure);
    }

    private void Dispatch(ServerMessage message)
    {
        switch (message.PayloadCase)
        {
            case ServerMessage.PayloadOneofCase.Welcome:
                welcome.TrySetResult(GrpcMessages.FromProto(message.Welcome));
                break;
            case ServerMessage.PayloadOneofCase.Sdp when message.Sdp.Type == SessionDescription.Types.Type.Answer:
                if (pendingOffers.TryDequeue(out var answered))
                    answered.TrySetResult(message.Sdp.SdpPlaintext);
                break;
            case ServerMessage.PayloadOneofCase.Sdp:
                events.OnSubscriberOffer(message.Sdp.SdpPlaintext, (long)Math.Min(message.Sdp.Version, long.MaxValue));
                break;
            case ServerMessage.PayloadOneofCase.Roster:
                if (pendingRosters.TryDequeue(out var requested))
                    requested.TrySetResult(GrpcMessages.FromProto(message.Roster));
                break;
            case ServerMessage.PayloadOneofCase.Update:
                events.OnParticipantUpdate(GrpcMessages.FromProto(message.Update));
                break;
            case ServerMessage.PayloadOneofCase.Updates:
                foreach (var update in message.Updates.Updates)
                    events.OnParticipantUpdate(GrpcMessages.FromProto(update));
                break;
            case ServerMessage.PayloadOneofCase.RosterPage:
                if (pendingPages.TryDequeue(out var page))
                    page.TrySetResult(GrpcMessages.FromProto(message.RosterPage));
                break;
            case ServerMessage.PayloadOneofCase.Chat:
                events.OnChat(GrpcMessages.FromProto(message.Chat));
                break;
            case ServerMessage.PayloadOneofCase.MeetingState:
                events.OnMeetingState(new MeetingStateMessage(message.MeetingState.Locked));
                break;
            case ServerMessage.PayloadOneofCase.Notice:
                events.OnNotice(new NoticeMessage(message.Notice.Kind, message.Notice.FromParticipantId.Length == 0 ? null : message.Notice.FromParticipantId, message.Notice.Text));
                break;
            case ServerMessage.PayloadOneofCase.Ack:
                if (pendingCommands.TryRemove(message.Ack.RequestId, out var acked))
                    acked.TrySetResult();
                break;
            case ServerMessage.PayloadOneofCase.ActiveSpeaker:
                events.OnActiveSpeaker(new ActiveSpeakerMessage(message.ActiveSpeaker.ParticipantId.Length == 0 ? null : message.ActiveSpeaker.ParticipantId, [.. message.ActiveSpeaker.RecentSpeakers]));
                break;
            case ServerMessage.PayloadOneofCase.SlotAssignments:
                events.OnSlotAssignments([.. message.SlotAssignments.Slots.Select(s => new SlotAssignmentMessage(s.Mid, s.Kind,
                    s.ParticipantId.Length == 0 ? null : s.ParticipantId, s.TrackId.Length == 0 ? null : s.TrackId))]);
                break;
            case ServerMessage.PayloadOneofCase.MediaReconnect:
                events.OnMediaReconnect(message.MediaReconnect.Reason, message.MediaReconnect.NewNode);
                break;
            case ServerMessage.PayloadOneofCase.Error:
                var error = new SignalingErrorException(message.Error.Code, message.Error.Message);
                if (message.Error.RequestId != 0)
                {
                    if (pendingCommands.TryRemove(message.Error.RequestId, out var refusedCommand))
                        refusedCommand.TrySetException(error);
                }
                else if (!welcome.Task.IsCompleted)
                    welcome.TrySetException(error);
                else if (pendingOffers.TryDequeue(out var refused))
                    refused.TrySetException(error);
                events.OnError(new ErrorMessage(message.Error.Code, message.Error.Message));
                break;
        }
    }

    public async Task<string> PublisherOfferAsync(string sdp, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Enqueued under the write gate so queue order is wire order.
        await writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            pendingOffers.Enqueue(answer);
            await call!.RequestStream.WriteAsync(new ClientMessage { Sdp = new SessionDescription { Type = SessionDescription.Types.Type.Offer, SdpPlaintext = sdp } }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            writeGate.Release();
        }
        return await answer.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task SubscriberAnswerAsync(string sdp, long offerVersion, CancellationToken cancellationToken) =>
        WriteAsync(new ClientMessage { Sdp = new SessionDescription { Type = SessionDescription.Types.Type.Answer, SdpPlaintext = sdp, Version = (ulong)Math.Max(0, offerVersion) } }, cancellationToken);

    public Task SetMaxVideosAsync(int maxVideos, CancellationToken cancellationToken) =>
        WriteAsync(new ClientMessage { VideoLimit = new VideoLimit { MaxVideos = maxVideos } }, cancellationToken);

    public Task PinAsync(IReadOnlyList<string> participantIds, CancellationToken cancellationToken) =>
        CommandAsync(new ClientMessage { Pin = new PinRequest { ParticipantIds = { participantIds } } }, cancellationToken);

    public Task SetScreenShareLimitAsync(int maxShares, CancellationToken cancellationToken) =>
        CommandAsync(new ClientMessage { ScreenShareLimit = new ScreenShareLimit { MaxShares = maxShares } }, cancellationToken);

    public Task RestartSubscriberIceAsync(CancellationToken cancellationToken) =>
        WriteAsync(new ClientMessage { IceRestart = new IceRestartRequest() }, cancellationToken);

    public Task<RosterSnapshotMessage> GetRosterAsync(CancellationToken cancellationToken) =>
        RequestAsync(pendingRosters, new ClientMessage { RosterRequest = new RosterRequest() }, cancellationToken);

    // Snapshots and pages come back in request order on the one stream: the reply completes the oldest
    // pending request of its kind (enqueued under the write gate, so queue order is wire order).
    private async Task<T> RequestAsync<T>(ConcurrentQueue<TaskCompletionSource<T>> pending, ClientMessage message, CancellationToken cancellationToken)
    {
        var reply = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        await writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            pending.Enqueue(reply);
            await call!.RequestStream.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw new SignalingErrorException(SignalingErrorCodes.MediaUnavailable, $"the signaling stream failed: {ex.Status.Detail}");
        }
        finally
        {
            writeGate.Release();
        }
        return await reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task IceCandidateAsync(bool subscriber, string candidate, string? sdpMid, int? sdpMLineIndex, CancellationToken cancellationToken) =>
        WriteAsync(new ClientMessage
        {
            Candidate = new IceCandidate
            {
                CandidateSdp = candidate,
                SdpMid = sdpMid ?? "",
                SdpMLineIndex = sdpMLineIndex ?? 0,
                Target = subscriber ? IceCandidate.Types.Target.Subscriber : IceCandidate.Types.Target.Publisher,
            },
        }, cancellationToken);

    public Task PingAsync(CancellationToken cancellationToken) =>
        WriteAsync(new ClientMessage { Ping = new Heartbeat { ClientTimestampMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() } }, cancellationToken);

    public Task SetMutedAsync(string kind, bool muted, CancellationToken cancellationToken) =>
        WriteAsync(new ClientMessage { Mute = new MuteRequest { Kind = kind, Muted = muted } }, cancellationToken);

    public Task<RosterPageMessage> GetRosterPageAsync(string? afterParticipantId, int limit, CancellationToken cancellationToken) =>
        RequestAsync(pendingPages, new ClientMessage { RosterPageRequest = new RosterPageRequest { AfterParticipantId = afterParticipantId ?? "", Limit = limit } }, cancellationToken);

    public Task SendChatAsync(string text, string? toParticipantId, CancellationToken cancellationToken) =>
        CommandAsync(new ClientMessage { Chat = new ChatSend { Text = text, ToParticipantId = toParticipantId ?? "" } }, cancellationToken);

    public Task RaiseHandAsync(bool raised, CancellationToken cancellationToken) =>
        CommandAsync(new ClientMessage { Hand = new HandRequest { Raised = raised } }, cancellationToken);

    public Task HostActionAsync(string action, string? participantId, string? kind, CancellationToken cancellationToken) =>
        CommandAsync(new ClientMessage { HostAction = new HostAction { Action = action, ParticipantId = participantId ?? "", Kind = kind ?? "" } }, cancellationToken);

    // Sends a command with a fresh request_id and completes with its ack (or throws its error).
    private async Task CommandAsync(ClientMessage message, CancellationToken cancellationToken)
    {
        var id = (ulong)Interlocked.Increment(ref nextRequestId);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pendingCommands[id] = done;
        message.RequestId = id;
        try
        {
            await WriteAsync(message, cancellationToken).ConfigureAwait(false);
            await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            pendingCommands.TryRemove(id, out _);
        }
    }

    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        leaving = true;
        if (call is null)
            return;
        try
        {
            await WriteAsync(new ClientMessage { Leave = new LeaveRequest() }, cancellationToken).ConfigureAwait(false);
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RpcException or SignalingErrorException or InvalidOperationException or IOException)
        {
            // Already gone (WriteAsync reports a failed stream as SignalingErrorException): leaving is done either way.
        }
    }

    private async Task WriteAsync(ClientMessage message, CancellationToken cancellationToken)
    {
        await writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await call!.RequestStream.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw new SignalingErrorException(SignalingErrorCodes.MediaUnavailable, $"the signaling stream failed: {ex.Status.Detail}");
        }
        finally
        {
            writeGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        leaving = true;
        call?.Dispose();
        if (reader is not null)
            await reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        channel?.Dispose();
        writeGate.Dispose();
    }
}
