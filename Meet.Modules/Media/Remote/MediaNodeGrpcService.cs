using System.Threading.Channels;
using Grpc.Core;
using Meet.Modules.Allocation;
using Meet.Modules.Media.Remote.Grpc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meet.Modules.Media.Remote;

// The media node's side of media_node.proto: each Attach stream is one participant on the in-process
// SFU. Listener events are queued (the media thread must not block) and written by the call's loop.
internal sealed partial class MediaNodeGrpcService(IMediaModule media, IOptions<NodeOptions> node, ILogger<MediaNodeGrpcService> logger)
    : MediaNodeService.MediaNodeServiceBase
{
    // Bounded: a signaling node that stops reading must not grow this node's memory; events beyond it
    // are dropped and counted (logged when the stream ends).
    private const int EventQueueLength = 1024;

    public override Task<ResourceCounts> GetResourceCounts(ResourceCountsRequest request, ServerCallContext context)
    {
        Authorize(context);
        var counts = media.GetResourceCounts();
        return Task.FromResult(new ResourceCounts
        {
            Routers = counts.Routers, Participants = counts.Participants, Transports = counts.Transports,
            Producers = counts.Producers, Consumers = counts.Consumers,
        });
    }

    public override async Task Attach(IAsyncStreamReader<MediaCommand> requestStream, IServerStreamWriter<MediaEvent> responseStream, ServerCallContext context)
    {
        Authorize(context);
        if (!await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false) || requestStream.Current.CommandCase != MediaCommand.CommandOneofCase.Add)
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the first command of a stream must be add"));
        var first = requestStream.Current;
        var events = Channel.CreateBounded<MediaEvent>(new BoundedChannelOptions(EventQueueLength) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
        var listener = new RemoteListener(events.Writer);
        IMediaParticipant participant;
        try
        {
            participant = media.AddParticipant(ToRequest(first.Add), listener);
        }
        catch (ArgumentException ex)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, ex.Message));
        }
        LogAttached(first.Add.ParticipantId, first.Add.MeetingId);
        var writer = PumpEventsAsync(events.Reader, responseStream, context.CancellationToken);
        try
        {
            events.Writer.TryWrite(Result(first.CallId, SdpNegotiationResult.Success(null)));
            while (await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
            {
                var command = requestStream.Current;
                events.Writer.TryWrite(Result(command.CallId, Execute(participant, command), participant.IsScreenSharing));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException || (ex is RpcException rpc && rpc.StatusCode == StatusCode.Cancelled))
        {
            // The signaling node went away or left: either way the participant's media goes.
        }
        finally
        {
            events.Writer.TryComplete();
            await participant.DisposeAsync().ConfigureAwait(false);
            await writer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            LogDetached(first.Add.ParticipantId, listener.Dropped);
        }
    }

    private void Authorize(ServerCallContext context)
    {
        if (!ClusterKey.Matches(context, node.Value.ClusterKey))
            throw new RpcException(new Status(StatusCode.PermissionDenied, "wrong or missing cluster key"));
    }

    private static MediaParticipantRequest ToRequest(AddParticipant add)
    {
        AudioMode? mode = add.AudioMode.Length == 0 ? null
            : Enum.TryParse<AudioMode>(add.AudioMode, ignoreCase: true, out var parsed) ? parsed
            : throw new ArgumentException($"unknown audio mode '{add.AudioMode}'");
        if (add.MeetingId.Length is 0 or > 64 || add.ParticipantId.Length is 0 or > 64 || add.DisplayName.Length > 64)
            throw new ArgumentException("meeting id, participant id and display name must be 1 to 64 characters");
        return new MediaParticipantRequest(add.MeetingId, add.ParticipantId, add.DisplayName, mode);
    }

    private static SdpNegotiationResult Execute(IMediaParticipant participant, MediaCommand command)
    {
        switch (command.CommandCase)
        {
            case MediaCommand.CommandOneofCase.PublisherOffer:
                return participant.AnswerPublisherOffer(command.PublisherOffer.Sdp);
            case MediaCommand.CommandOneofCase.SubscriberAnswer:
                return participant.ApplySubscriberAnswer(command.SubscriberAnswer.Sdp, command.SubscriberAnswer.OfferVersion);
            case MediaCommand.CommandOneofCase.Candidate:
                var candidate = command.Candidate;
                return participant.AddRemoteCandidate(candidate.Candidate, candidate.HasSdpMid ? candidate.SdpMid : null, candidate.Subscriber);
            case MediaCommand.CommandOneofCase.MaxVideos:
                return participant.SetMaxVideos(command.MaxVideos.MaxVideos_);
            case MediaCommand.CommandOneofCase.Pinned:
                return participant.SetPinned(command.Pinned.ParticipantIds.ToArray());
            case MediaCommand.CommandOneofCase.MaxScreenShares:
                return participant.SetMaxScreenShares(command.MaxScreenShares.MaxShares);
            case MediaCommand.CommandOneofCase.TileSizes:
                return participant.SetTileSizes(command.TileSizes.Tiles.Select(t => new TileSize(t.Mid, t.Width, t.Height, t.Hidden)).ToArray());
            case MediaCommand.CommandOneofCase.RestartSubscriberIce:
                return participant.RestartSubscriberIce();
            case MediaCommand.CommandOneofCase.HoldAudio:
                participant.HoldAudio(command.HoldAudio.Held);
                return SdpNegotiationResult.Success(null);
            default:
                return SdpNegotiationResult.Failure(400, "unknown or repeated command");
        }
    }

    private static MediaEvent Result(ulong callId, SdpNegotiationResult result, bool screenSharing = false) => new()
    {
        Result = new NegotiationResult
        {
            CallId = callId,
            Succeeded = result.Succeeded,
            Sdp = result.Sdp ?? "",
            HasSdp = result.Sdp is not null,
            ErrorCode = result.ErrorCode,
            ErrorMessage = result.ErrorMessage ?? "",
            Warning = result.Warning ?? "",
            ScreenSharing = screenSharing,
        },
    };

    private static async Task PumpEventsAsync(ChannelReader<MediaEvent> events, IServerStreamWriter<MediaEvent> stream, CancellationToken cancellationToken)
    {
        await foreach (var e in events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            await stream.WriteAsync(e, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Remote participant {ParticipantId} attached for meeting {MeetingId}")]
    private partial void LogAttached(string participantId, string meetingId);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Remote participant {ParticipantId} detached ({Dropped} events dropped)")]
    private partial void LogDetached(string participantId, long dropped);
}
