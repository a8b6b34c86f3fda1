using Meet.Modules.Signaling;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Meet.Modules.Client.Internal;

// The hub of ISSUE5 contract 2, the same one the web client uses.
internal sealed class SignalRSignalingConnection(Uri baseAddress, bool messagePack, ISignalingEvents events) : ISignalingConnection
{
    private HubConnection? connection;
    private volatile bool leaving;

    private HubConnection Hub => connection ?? throw new InvalidOperationException("not connected");

    public async Task<WelcomeMessage> ConnectAsync(string meetingId, string token, string displayName, bool batchedUpdates, CancellationToken cancellationToken)
    {
        var builder = new HubConnectionBuilder().WithUrl(new Uri(baseAddress, SignalingModuleExtensions.HubPath), o =>
        {
            o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            // WebSockets only, as the web client: a refused WebSocket (429 during a reconnection storm)
            // must be a failed attempt that backs off, not a fallback to long polling, whose every
            // request would draw on the node's connect bucket.
            o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
        });
        if (messagePack)
            builder.AddMessagePackProtocol();
        connection = builder.Build();
        connection.On<string, long>("SubscriberOffer", events.OnSubscriberOffer);
        connection.On<ParticipantUpdateMessage>("ParticipantUpdate", events.OnParticipantUpdate);
        connection.On<ErrorMessage>("Error", events.OnError);
        connection.On<MediaReconnectMessage>("MediaReconnect", m => events.OnMediaReconnect(m.Reason, m.NewNode));
        connection.On<ActiveSpeakerMessage>("ActiveSpeaker", events.OnActiveSpeaker);
        connection.On<ParticipantUpdateMessage[]>("ParticipantUpdates", updates =>
        {
            foreach (var update in updates)
                events.OnParticipantUpdate(update);
        });
        connection.On<ChatMessage>("Chat", events.OnChat);
        connection.On<MeetingStateMessage>("MeetingState", events.OnMeetingState);
        connection.On<NoticeMessage>("Notice", events.OnNotice);
        connection.On<SlotAssignmentMessage[]>("SlotAssignments", events.OnSlotAssignments);
        connection.Closed += error =>
        {
            if (!leaving)
                events.OnClosed(this, error);
            return Task.CompletedTask;
        };
        try
        {
            await connection.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.StatusCode is { } status)
        {
            throw new SignalingErrorException((int)status, ex.Message);
        }
        catch (AggregateException ex) when (RefusedUpgrade(ex))
        {
            // The negotiate passed but the WebSocket upgrade was refused by the connect bucket: the client
            // exposes no status code there, only the WebSocketException's text.
            throw new SignalingErrorException(SignalingErrorCodes.RateLimited, ex.InnerExceptions[0].Message);
        }
        return await Call(() => connection.InvokeAsync<WelcomeMessage>(batchedUpdates ? "JoinBatched" : "Join", displayName, cancellationToken)).ConfigureAwait(false);
    }

    private static bool RefusedUpgrade(AggregateException ex) =>
        ex.Flatten().InnerExceptions.Any(e => (e.InnerException ?? e) is System.Net.WebSockets.WebSocketException w
            && w.Message.Contains("'429'", StringComparison.Ordinal));

    public Task<string> PublisherOfferAsync(string sdp, CancellationToken cancellationToken) =>
        Call(() => Hub.InvokeAsync<string>("PublisherOffer", sdp, cancellationToken));

    public Task SubscriberAnswerAsync(string sdp, long offerVersion, CancellationToken cancellationToken) =>
        Call(() => Hub.InvokeAsync("SubscriberAnswer", sdp, offerVersion, cancellationToken));

    public Task SetMaxVideosAsync(int maxVideos, CancellationToken cancellationToken) =>
        Call(() => Hub.InvokeAsync("SetMaxVideos", maxVideos, cancellationToken));

    public Task PinAsync(IReadOnlyList<string> participantIds, CancellationToken cancellationToken) =>
        Call(() => Hub.InvokeAsync("Pin", participantIds.ToArray(), cancellationToken));

    public Task SetScreenShareLimitAsync(int maxShares, CancellationToken cancellationToken) =>
        Call(() => Hub.InvokeAsync("SetScreenShareLimit", maxShares, cancellationToken));

    public Task RestartSubscriberIceAsync(CancellationToken cancellationToken) =>
        Call(() => Hub.InvokeAsync("RestartSubscriberIce", cancellationToken));

    public Task<RosterSnapshotMessage> GetRosterAsync(CancellationToken cancellationToken) =>
        Call(() => Hub.InvokeAsync<RosterSnapshotMessage>("GetRoster", cancellationToken));

    public Task IceCandidateAsync(bool subscriber, string candidate, string? sdpMid, int? sdpMLineIndex, CancellationToken cancellationToken) =>
        Call(() => Hub.InvokeAsync("IceCandidate", subscriber ? "subscriber" : "publisher", candidate, sdpMid, sdpMLineIndex, cancellationToken));

    public Task PingAsync(CancellationToken cancellationToken) =>
        Call(() => Hub.InvokeAsync<long>("Ping", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), cancellationToken));

    public Task SetMutedAsync(string kind, bool muted, CancellationToken cancellationToken) =>
        Call(() => Hub.InvokeAsync("SetMuted", kind, muted, cancellationToken));

    public Task<RosterPageMessage> GetRosterPageAsync(string? afterParticipantId, int limit, CancellationToken cancellationToken) =>
        Call(() => Hub.InvokeAsync<RosterPageMessage>("GetRosterPage", afterParticipantId, limit, cancellationToken));

    public Task SendChatAsync(string text, string? toParticipantId, CancellationToken cancellationToken) =>
        Call(() => Hub.InvokeAsync<ChatMessage>("SendChat", text, toParticipantId, cancellationToken));

    public Task RaiseHandAsync(bool raised, CancellationToken cancellationToken) =>
        Call(() => Hub.InvokeAsync("RaiseHand", raised, cancellationToken));

    public Task HostActionAsync(string action, string? participantId, string? kind, CancellationToken cancellationToken) =>
        Call(() => Hub.InvokeAsync("HostAction", action, participantId, kind, cancellationToken));

    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        leaving = true;
        if (connection is { State: HubConnectionState.Connected })
            await Call(() => connection.InvokeAsync("Leave", cancellationToken)).ConfigureAwait(false);
    }

    // Hub failures arrive as "<code>: message" (contract 2), behind SignalR's own prefix
    // "An unexpected error occurred invoking 'X' on the server. HubException: ".
    private static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (HubException ex)
        {
            throw ParseHubError(ex.Message);
        }
    }

    internal static SignalingErrorException ParseHubError(string text)
    {
        const string Marker = "HubException: ";
        var marker = text.LastIndexOf(Marker, StringComparison.Ordinal);
        if (marker >= 0)
            text = text[(marker + Marker.Length)..];
        var colon = text.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 && int.TryParse(text.AsSpan(0, colon), out var code)
            ? new SignalingErrorException(code, text[(colon + 2)..])
            : new SignalingErrorException(SignalingErrorCodes.BadRequest, text);
    }

    private static Task Call(Func<Task> call) => Call<object?>(async () =>
    {
        await call().ConfigureAwait(false);
        return null;
    });

    public async ValueTask DisposeAsync()
    {
        leaving = true;
        if (connection is not null)
            await connection.DisposeAsync().ConfigureAwait(false);
    }
}
