namespace Meet.Modules.Meetings.Internal.Contracts;

internal sealed record JoinMeetingResponse(
    string MeetingId,
    Guid ParticipantId,
    string UserId,
    string Role,
    string AccessToken,
    DateTime ExpiresAt,
    bool Muted,
    SignalingEndpoints Signaling,
    MediaNodeResponse MediaNode,
    IReadOnlyList<IceServerResponse> IceServers,
    // The meeting is end-to-end encrypted: the page must encrypt with the key from its link's fragment.
    bool E2ee);
