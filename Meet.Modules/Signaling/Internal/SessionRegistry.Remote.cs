using Meet.Modules.Media;
using Meet.Modules.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Meet.Modules.Signaling.Internal;

// A signaling-only node (Node:Roles=signaling, issue 15): each session's media lives on the media node
// its participant row names, reached through IMediaNodes; a failover moves it to another node.
internal sealed partial class SessionRegistry
{
    private IMediaNodes? RemoteMedia => services.GetService<IMediaNodes>();

    private async Task AttachRemoteMediaAsync(SignalingSession session, IMediaNodes nodes, Guid participantId, CancellationToken cancellationToken)
    {
        var participant = await services.GetRequiredService<IParticipantRepository>().FindAsync(participantId, cancellationToken).ConfigureAwait(false)
                          ?? throw new SignalingException(SignalingErrorCodes.NotFound, "unknown participant");
        var server = await services.GetRequiredService<IMediaServerRepository>().FindAsync(participant.AssignedMediaServerId, cancellationToken).ConfigureAwait(false);
        if (server is null)
            throw new SignalingException(SignalingErrorCodes.MediaUnavailable, "the assigned media node is not registered");
        try
        {
            // The remote call blocks for one round trip: off the hub's thread.
            var events = new MediaEventGate(session);
            events.Release();
            session.Media = await Task.Run(() => nodes.For(server).AddParticipant(session.MediaRequest!, events), cancellationToken).ConfigureAwait(false);
            session.MediaServerId = server.ServerId;
            session.MediaEvents = events;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Media node {ServerId} could not add {ParticipantId}", server.ServerId, session.ParticipantId);
            throw new SignalingException(SignalingErrorCodes.MediaUnavailable, "the media node could not add the participant; join again");
        }
    }

    // Failover and draining: the media side again on the target (its events held), then the session
    // switches to it, then MEDIA_RECONNECT (new node), then the held events — so the client's new
    // publisher offer finds the new node, and the new node's subscriber offer reaches the client after
    // the MEDIA_RECONNECT. The roster is not touched: to everyone else the participant never left.
    public async Task<bool> MoveMediaAsync(SignalingSession session, IMediaNodes nodes, MediaServer target, string reason)
    {
        // Already there (another trigger moved it) or being moved: never a second MEDIA_RECONNECT.
        if (session.State == SessionState.Left || session.MediaRequest is null || session.MediaServerId == target.ServerId || !session.TryBeginMediaMove())
            return false;
        try
        {
            return await MoveMediaOnceAsync(session, nodes, target, reason).ConfigureAwait(false);
        }
        finally
        {
            session.EndMediaMove();
        }
    }

    private async Task<bool> MoveMediaOnceAsync(SignalingSession session, IMediaNodes nodes, MediaServer target, string reason)
    {
        var old = session.Media;
        var listener = new MediaEventGate(session);
        IMediaParticipant moved;
        try
        {
            moved = await Task.Run(() => nodes.For(target).AddParticipant(session.MediaRequest!, listener)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Moving {ParticipantId} to media node {ServerId} failed", session.ParticipantId, target.ServerId);
            return false;
        }
        session.MediaEvents?.Close();
        session.Media = moved;
        session.MediaServerId = target.ServerId;
        session.MediaEvents = listener;
        if (session.AudioHeldByHost)
            moved.HoldAudio(true);
        session.TransitionTo(SessionState.Reconnecting);
        session.Peer.SendMediaMoved(reason);
        listener.Release();
        // A session that left meanwhile must not keep media on the new node.
        if (session.State == SessionState.Left)
            await DisposeMediaQuietlyAsync(moved).ConfigureAwait(false);
        if (old is not null)
            _ = DisposeMediaQuietlyAsync(old);
        return true;
    }

    private async Task DisposeMediaQuietlyAsync(IMediaParticipant media)
    {
        try
        {
            await media.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "Freeing the media of {ParticipantId} on the old node failed", media.ParticipantId);
        }
    }
}
