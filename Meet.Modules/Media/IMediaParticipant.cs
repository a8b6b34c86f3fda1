namespace Meet.Modules.Media;

// DisposeAsync is "leave": it frees every transport, producer and consumer of the participant.
public interface IMediaParticipant : IAsyncDisposable
{
    string ParticipantId { get; }

    // Initial offer, renegotiation and ICE restart of the publisher PeerConnection.
    SdpNegotiationResult AnswerPublisherOffer(string offerSdp);

    // The answer to IMediaParticipantListener.OnSubscriberOffer of that version (0 = the outstanding
    // offer, for clients that do not echo versions). An answer to an offer that a newer one replaced
    // succeeds without effect; a refused answer (400) is followed by a fresh offer.
    SdpNegotiationResult ApplySubscriberAnswer(string answerSdp, ulong offerVersion);

    // The server is ICE-lite and never needs remote candidates (the client's checks reveal its address),
    // so this only validates the candidate line.
    SdpNegotiationResult AddRemoteCandidate(string candidate, string? sdpMid, bool subscriberPc);

    // Network handover: the next subscriber offer carries new ICE credentials (an ICE restart the client,
    // as answerer, cannot start itself). The publisher PC restarts with the client's own offer. The default
    // is a coded refusal so an implementation that cannot forward it yet (a remote media node) says so.
    SdpNegotiationResult RestartSubscriberIce() =>
        SdpNegotiationResult.Failure(501, "This media node cannot restart the subscriber's ICE; rejoin to recover.");

    // The subscriber's own last-N: receive at most this many videos (never more than Media:LastN).
    SdpNegotiationResult SetMaxVideos(int maxVideos);

    // Participants whose video this subscriber always receives (issue 10), in order; at most its video
    // limit (409 "pin_limit" beyond), not itself (400), members of the meeting only (404); [] unpins.
    SdpNegotiationResult SetPinned(IReadOnlyList<string> participantIds);

    // Host only (signaling checks the role): how many screen shares the meeting allows at once, from now
    // on (1-8, else 400). Shares already running continue.
    SdpNegotiationResult SetMaxScreenShares(int maxShares);

    // Issue 11: the rendered size and visibility of the client's video tiles, by subscriber mid. Sizes
    // are validated by signaling; mids the SFU does not know (a tile racing a renegotiation) are counted
    // and skipped, never an error.
    SdpNegotiationResult SetTileSizes(IReadOnlyList<TileSize> tiles);

    // Host mute (issue 13): while held, the SFU forwards none of this participant's audio to anyone,
    // whatever its client sends; signaling releases it only when the participant unmutes itself.
    void HoldAudio(bool held);

    // The participant publishes a screen share (an a=content:slides section, RFC 4796) after its last
    // publisher offer; read by signaling for the roster (issue 13).
    bool IsScreenSharing { get; }
}
