using Meet.Modules.Signaling;

namespace Meet.Modules.Client.Internal;

// One signaling connection over one transport; MeetClient makes a new one for every reconnect.
internal interface ISignalingConnection : IAsyncDisposable
{
    Task<WelcomeMessage> ConnectAsync(string meetingId, string token, string displayName, bool batchedUpdates, CancellationToken cancellationToken);

    Task<string> PublisherOfferAsync(string sdp, CancellationToken cancellationToken);

    // offerVersion: the version its offer came with (0 = the offer outstanding on the server).
    Task SubscriberAnswerAsync(string sdp, long offerVersion, CancellationToken cancellationToken);

    Task<RosterSnapshotMessage> GetRosterAsync(CancellationToken cancellationToken);

    Task SetMaxVideosAsync(int maxVideos, CancellationToken cancellationToken);

    // Issue 10: pins ([] unpins) and the host's screen-share limit; refusals throw SignalingErrorException.
    Task PinAsync(IReadOnlyList<string> participantIds, CancellationToken cancellationToken);

    Task SetScreenShareLimitAsync(int maxShares, CancellationToken cancellationToken);

    Task IceCandidateAsync(bool subscriber, string candidate, string? sdpMid, int? sdpMLineIndex, CancellationToken cancellationToken);

    Task PingAsync(CancellationToken cancellationToken);

    Task SetMutedAsync(string kind, bool muted, CancellationToken cancellationToken);

    Task LeaveAsync(CancellationToken cancellationToken);

    // Issue 13.
    Task<RosterPageMessage> GetRosterPageAsync(string? afterParticipantId, int limit, CancellationToken cancellationToken);

    Task SendChatAsync(string text, string? toParticipantId, CancellationToken cancellationToken);

    Task RaiseHandAsync(bool raised, CancellationToken cancellationToken);

    Task HostActionAsync(string action, string? participantId, string? kind, CancellationToken cancellationToken);
}
