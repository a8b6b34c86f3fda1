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
    private readonly SemaphoreSlim writeGate = new(1, 1);
    private readonly TaskCompletionSource<WelcomeMessage> welcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private GrpcChannel? channel;
    private AsyncDuplexStreamingCall<ClientMessage, ServerMessage>? call;
    private Task? reader;
    private volatile bool leaving;

    public async Task<WelcomeMessage> ConnectAsync(string meetingId, string token, string displayName, CancellationToken cancellationToken)
    {
        channel = GrpcChannel.ForAddress(grpcAddress);
        call = new SignalingService.SignalingServiceClient(channel).EstablishSession(cancellationToken: CancellationToken.None);
        reader = Task.Run(ReadLoopAsync, CancellationToken.None);
        await WriteAsync(new ClientMessage { MeetingId = meetingId, Token = token, DisplayName = displayName }, cancellationToken).ConfigureAwait(false);
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
            case ServerMessage.PayloadOneofCase.ActiveSpeaker:
                events.OnActiveSpeaker(new ActiveSpeakerMessage(message.ActiveSpeaker.ParticipantId.Length == 0 ? null : message.ActiveSpeaker.ParticipantId, [.. message.ActiveSpeaker.RecentSpeakers]));
                break;
            case ServerMessage.PayloadOneofCase.SlotAssignments:
                events.OnSlotAssignments([.. message.SlotAssignments.Slots.Select(s => new SlotAssignmentMessage(s.Mid, s.Kind,
                    s.ParticipantId.Length == 0 ? null : s.ParticipantId, s.TrackId.Length == 0 ? null : s.TrackId))]);
                break;
            case ServerMessage.PayloadOneofCase.MediaReconnect:
                events.OnMediaReconnect(message.MediaReconnect.Reason);
                break;
            case ServerMessage.PayloadOneofCase.Error:
                var error = new SignalingErrorException(message.Error.Code, message.Error.Message);
                if (!welcome.Task.IsCompleted)
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

    // Snapshots come back in request order on the one stream.
    public async Task<RosterSnapshotMessage> GetRosterAsync(CancellationToken cancellationToken)
    {
        var snapshot = new TaskCompletionSource<RosterSnapshotMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        await writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            pendingRosters.Enqueue(snapshot);
            await call!.RequestStream.WriteAsync(new ClientMessage { RosterRequest = new RosterRequest() }, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw new SignalingErrorException(SignalingErrorCodes.MediaUnavailable, $"the signaling stream failed: {ex.Status.Detail}");
        }
        finally
        {
            writeGate.Release();
        }
        return await snapshot.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
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
