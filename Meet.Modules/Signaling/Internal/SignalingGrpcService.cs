using Grpc.Core;
using Meet.Modules.Signaling.Grpc;

namespace Meet.Modules.Signaling.Internal;

// ISSUE5 contract 3: the seed's EstablishSession stream. The first message authenticates (meeting_id +
// token); afterwards a bad message gets an ErrorDetails and the stream goes on.
internal sealed class SignalingGrpcService(SessionRegistry registry, TimeProvider time, SignalingConnectLimiter connects) : SignalingService.SignalingServiceBase
{
    public override async Task EstablishSession(IAsyncStreamReader<ClientMessage> requestStream, IServerStreamWriter<ServerMessage> responseStream, ServerCallContext context)
    {
        var peer = new GrpcPeer(context.CancellationToken, registry.Traffic);
        var writer = peer.WriteLoopAsync(responseStream);
        SignalingSession? session = null;
        try
        {
            // Reconnection storms: over the node's connect bucket, a coded 429 naming the wait, and the
            // stream ends before any authentication work (HTTP 429 would reach gRPC clients as a bare
            // "Unavailable" without the wait).
            if (!connects.TryAcquire(out var retryAfter))
            {
                context.ResponseTrailers.Add("retry-after-ms", ((long)Math.Ceiling(retryAfter.TotalMilliseconds)).ToString(System.Globalization.CultureInfo.InvariantCulture));
                peer.SendError(SignalingErrorCodes.RateLimited, $"too many signaling connections to this node (RateLimiting:SignalingConnect); retry after {Math.Max(1, (long)Math.Ceiling(retryAfter.TotalMilliseconds))} ms, with jitter");
                return;
            }
            if (!await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
                return;
            var first = requestStream.Current;
            try
            {
                if (first.MeetingId.Length == 0)
                    throw new SignalingException(SignalingErrorCodes.BadRequest, "the first message must carry meeting_id and token");
                var token = await registry.AuthenticateAsync(first.Token, first.MeetingId, context.CancellationToken).ConfigureAwait(false);
                peer.BatchedUpdates = first.BatchedUpdates;
                var (joined, welcome) = await registry.JoinAsync(token, first.DisplayName, peer, context.CancellationToken).ConfigureAwait(false);
                session = joined;
                peer.Send(new ServerMessage { Welcome = GrpcMapping.ToProto(welcome) });
                if (first.PayloadCase != ClientMessage.PayloadOneofCase.None)
                    await HandleAsync(session, first, peer).ConfigureAwait(false);
            }
            catch (SignalingException ex)
            {
                // Without a session there is nothing to keep the stream open for.
                peer.SendError(ex.Code, ex.Message);
                return;
            }

            while (await requestStream.MoveNext(peer.Closed).ConfigureAwait(false))
            {
                if (requestStream.Current.PayloadCase == ClientMessage.PayloadOneofCase.Leave)
                    break;
                await HandleAsync(session, requestStream.Current, peer).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Client went away or the heartbeat monitor closed the session.
        }
        catch (IOException)
        {
        }
        finally
        {
            if (session is not null)
                await registry.LeaveAsync(session).ConfigureAwait(false);
            peer.Complete();
            await writer.ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(SignalingSession session, ClientMessage message, GrpcPeer peer)
    {
        try
        {
            session.OnMessage();
            switch (message.PayloadCase)
            {
                case ClientMessage.PayloadOneofCase.Sdp when message.Sdp.Type == SessionDescription.Types.Type.Offer:
                    var answer = registry.AnswerPublisherOffer(session, message.Sdp.SdpPlaintext);
                    peer.Send(new ServerMessage { Sdp = new SessionDescription { Type = SessionDescription.Types.Type.Answer, SdpPlaintext = answer } });
                    break;
                case ClientMessage.PayloadOneofCase.Sdp:
                    registry.ApplySubscriberAnswer(session, message.Sdp.SdpPlaintext, (long)Math.Min(message.Sdp.Version, long.MaxValue));
                    break;
                case ClientMessage.PayloadOneofCase.Candidate:
                    var target = message.Candidate.Target == IceCandidate.Types.Target.Subscriber ? "subscriber" : "publisher";
                    registry.AddRemoteCandidate(session, target, message.Candidate.CandidateSdp, message.Candidate.SdpMid.Length == 0 ? null : message.Candidate.SdpMid);
                    break;
                case ClientMessage.PayloadOneofCase.Ping:
                    peer.Send(new ServerMessage { Pong = new HeartbeatAck { ClientTimestampMs = message.Ping.ClientTimestampMs, ServerTimestampMs = time.GetUtcNow().ToUnixTimeMilliseconds() } });
                    break;
                case ClientMessage.PayloadOneofCase.VideoLimit:
                    registry.SetMaxVideos(session, message.VideoLimit.MaxVideos);
                    break;
                case ClientMessage.PayloadOneofCase.Pin:
                    registry.SetPinned(session, message.Pin.ParticipantIds);
                    break;
                case ClientMessage.PayloadOneofCase.ScreenShareLimit:
                    registry.SetScreenShareLimit(session, message.ScreenShareLimit.MaxShares);
                    break;
                case ClientMessage.PayloadOneofCase.IceRestart:
                    registry.RestartSubscriberIce(session);
                    break;
                case ClientMessage.PayloadOneofCase.TileSizes:
                    registry.SetTileSizes(session, message.TileSizes.Tiles.Select(t => new TileSizeMessage(t.Mid, t.Width, t.Height, t.Hidden)).ToArray());
                    break;
                case ClientMessage.PayloadOneofCase.RosterRequest:
                    peer.Send(new ServerMessage { Roster = GrpcMapping.ToProto(registry.GetRoster(session)) });
                    break;
                case ClientMessage.PayloadOneofCase.Mute:
                    registry.SetMuted(session, message.Mute.Kind, message.Mute.Muted);
                    break;
                // Issue 13. The chat comes back to the sender through the fan-out; a request_id gets an ack.
                case ClientMessage.PayloadOneofCase.Chat:
                    await registry.SendChatAsync(session, message.Chat.Text, message.Chat.ToParticipantId).ConfigureAwait(false);
                    break;
                case ClientMessage.PayloadOneofCase.Hand:
                    await registry.SetHandAsync(session, message.Hand.Raised).ConfigureAwait(false);
                    break;
                case ClientMessage.PayloadOneofCase.HostAction:
                    await registry.HostActionAsync(session, message.HostAction.Action, message.HostAction.ParticipantId, message.HostAction.Kind).ConfigureAwait(false);
                    break;
                case ClientMessage.PayloadOneofCase.RosterPageRequest:
                    peer.Send(new ServerMessage { RosterPage = GrpcMapping.ToProto(registry.GetRosterPage(session, message.RosterPageRequest.AfterParticipantId, message.RosterPageRequest.Limit)) });
                    break;
                default:
                    // No payload, or a oneof case from a newer client that this server does not know.
                    throw new SignalingException(SignalingErrorCodes.BadRequest, "unknown or empty message");
            }
            if (message.RequestId != 0)
                peer.Send(new ServerMessage { Ack = new Ack { RequestId = message.RequestId } });
            if (session.CloseAfterReply)
                await registry.CloseEndedSessionAsync(session).ConfigureAwait(false);
        }
        catch (SignalingException ex)
        {
            peer.Send(GrpcMapping.Error(ex.Code, ex.Message, message.RequestId));
        }
    }
}
