using System.Collections.Concurrent;
using Grpc.Core;
using Meet.Modules.Media.Remote.Grpc;

namespace Meet.Modules.Media.Remote;

// One participant on a remote media node: commands go out on the Attach stream and wait for the result
// with their call id; events coming back are handed to the signaling session's listener. When the
// stream breaks (the node died) every pending and later call fails with 503 and Lost is set: the
// failover moves the participant, nothing here retries.
internal sealed class RemoteMediaParticipant : IMediaParticipant
{
    private const int Unavailable = 503;

    private readonly AsyncDuplexStreamingCall<MediaCommand, MediaEvent> call;
    private readonly IMediaParticipantListener listener;
    private readonly TimeSpan callTimeout;
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<SdpNegotiationResult>> pending = new();
    // Writes on a gRPC stream must not overlap.
    private readonly SemaphoreSlim writeGate = new(1, 1);
    private readonly Action streamLost;
    private readonly Task reader;
    private int leaving;
    private long nextCallId;
    private int lost;

    public RemoteMediaParticipant(AsyncDuplexStreamingCall<MediaCommand, MediaEvent> call, string participantId, IMediaParticipantListener listener, TimeSpan callTimeout, Action streamLost)
    {
        this.streamLost = streamLost;
        this.call = call;
        ParticipantId = participantId;
        this.listener = listener;
        this.callTimeout = callTimeout;
        reader = Task.Run(ReadEventsAsync);
    }

    public string ParticipantId { get; }

    public bool Lost => Volatile.Read(ref lost) == 1;

    internal SdpNegotiationResult Add(AddParticipant add) => Call(new MediaCommand { Add = add });

    public SdpNegotiationResult AnswerPublisherOffer(string offerSdp) =>
        Call(new MediaCommand { PublisherOffer = new PublisherOffer { Sdp = offerSdp } });

    public SdpNegotiationResult ApplySubscriberAnswer(string answerSdp, ulong offerVersion) =>
        Call(new MediaCommand { SubscriberAnswer = new SubscriberAnswer { Sdp = answerSdp, OfferVersion = offerVersion } });

    public SdpNegotiationResult AddRemoteCandidate(string candidate, string? sdpMid, bool subscriberPc) =>
        Call(new MediaCommand { Candidate = new RemoteCandidate { Candidate = candidate, SdpMid = sdpMid ?? "", HasSdpMid = sdpMid is not null, Subscriber = subscriberPc } });

    public SdpNegotiationResult SetMaxVideos(int maxVideos) =>
        Call(new MediaCommand { MaxVideos = new MaxVideos { MaxVideos_ = maxVideos } });

    public SdpNegotiationResult SetPinned(IReadOnlyList<string> participantIds)
    {
        var pinned = new Pinned();
        pinned.ParticipantIds.Add(participantIds);
        return Call(new MediaCommand { Pinned = pinned });
    }

    public SdpNegotiationResult SetMaxScreenShares(int maxShares) =>
        Call(new MediaCommand { MaxScreenShares = new MaxScreenShares { MaxShares = maxShares } });

    public SdpNegotiationResult SetTileSizes(IReadOnlyList<TileSize> tiles)
    {
        var sizes = new Grpc.TileSizes();
        sizes.Tiles.Add(tiles.Select(t => new Grpc.TileSize { Mid = t.Mid, Width = t.Width, Height = t.Height, Hidden = t.Hidden }));
        return Call(new MediaCommand { TileSizes = sizes });
    }

    public SdpNegotiationResult RestartSubscriberIce() =>
        Call(new MediaCommand { RestartSubscriberIce = new Grpc.RestartSubscriberIce() });

    // As the media node reported it with its last answer (it changes only with a publisher offer).
    public bool IsScreenSharing => Volatile.Read(ref screenSharing);

    private bool screenSharing;

    public void HoldAudio(bool held) => Call(new MediaCommand { HoldAudio = new HoldAudio { Held = held } });

    // The IMediaParticipant contract is synchronous (signaling calls it from hub methods and the media
    // thread's callbacks never call it), so a remote call waits here, bounded by Node:ControlCallTimeout.
    private SdpNegotiationResult Call(MediaCommand command)
    {
        if (Lost)
            return SdpNegotiationResult.Failure(Unavailable, "the media node is unreachable");
        command.CallId = (ulong)Interlocked.Increment(ref nextCallId);
        var result = new TaskCompletionSource<SdpNegotiationResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending[command.CallId] = result;
        try
        {
            SendAsync(command).GetAwaiter().GetResult();
            return result.Task.Wait(callTimeout)
                ? result.Task.Result
                : SdpNegotiationResult.Failure(Unavailable, "the media node did not answer in time");
        }
        catch (Exception ex) when (ex is RpcException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            MarkLost();
            return SdpNegotiationResult.Failure(Unavailable, "the media node is unreachable");
        }
        finally
        {
            pending.TryRemove(command.CallId, out _);
        }
    }

    private async Task SendAsync(MediaCommand command)
    {
        await writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            await call.RequestStream.WriteAsync(command).ConfigureAwait(false);
        }
        finally
        {
            writeGate.Release();
        }
    }

    private async Task ReadEventsAsync()
    {
        try
        {
            await foreach (var e in call.ResponseStream.ReadAllAsync().ConfigureAwait(false))
                Dispatch(e);
        }
        catch (Exception ex) when (ex is RpcException or IOException or OperationCanceledException or InvalidOperationException)
        {
        }
        if (MarkLost() && Volatile.Read(ref leaving) == 0)
            streamLost();
    }

    private void Dispatch(MediaEvent e)
    {
        switch (e.EventCase)
        {
            case MediaEvent.EventOneofCase.Result:
                var r = e.Result;
                if (pending.TryGetValue(r.CallId, out var waiter))
                {
                    if (r.Succeeded)
                        Volatile.Write(ref screenSharing, r.ScreenSharing);
                    var result = r.Succeeded
                        ? SdpNegotiationResult.Success(r.HasSdp ? r.Sdp : null, r.Warning.Length == 0 ? null : r.Warning)
                        : SdpNegotiationResult.Failure(r.ErrorCode, r.ErrorMessage);
                    waiter.TrySetResult(result);
                }
                break;
            case MediaEvent.EventOneofCase.SubscriberOffer:
                listener.OnSubscriberOffer(e.SubscriberOffer.Sdp, e.SubscriberOffer.Version);
                break;
            case MediaEvent.EventOneofCase.ConnectionState:
                if (Enum.TryParse<MediaConnectionState>(e.ConnectionState.State, out var state))
                    listener.OnConnectionStateChanged(state);
                break;
            case MediaEvent.EventOneofCase.ActiveSpeaker:
                var speaker = e.ActiveSpeaker;
                listener.OnActiveSpeakerChanged(new ActiveSpeakerUpdate(speaker.DominantSpeakerId.Length == 0 ? null : speaker.DominantSpeakerId, speaker.RecentSpeakers.ToArray()));
                break;
            case MediaEvent.EventOneofCase.SlotAssignments:
                listener.OnSlotAssignments(e.SlotAssignments.Slots
                    .Select(s => new MediaSlotAssignment(s.Mid, s.Kind, s.ParticipantId.Length == 0 ? null : s.ParticipantId, s.TrackId.Length == 0 ? null : s.TrackId))
                    .ToArray());
                break;
        }
    }

    // True for the call that changed the state.
    private bool MarkLost()
    {
        if (Interlocked.Exchange(ref lost, 1) == 1)
            return false;
        foreach (var waiter in pending.Values)
            waiter.TrySetResult(SdpNegotiationResult.Failure(Unavailable, "the media node is unreachable"));
        return true;
    }

    // Leave: completing the stream makes the node dispose the participant.
    public async ValueTask DisposeAsync()
    {
        Volatile.Write(ref leaving, 1);
        if (!Lost)
        {
            try
            {
                await writeGate.WaitAsync().ConfigureAwait(false);
                try
                {
                    await call.RequestStream.CompleteAsync().ConfigureAwait(false);
                }
                finally
                {
                    writeGate.Release();
                }
                await reader.WaitAsync(callTimeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (Exception ex) when (ex is RpcException or IOException or InvalidOperationException)
            {
            }
        }
        MarkLost();
        call.Dispose();
    }
}
