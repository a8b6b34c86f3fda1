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

    // The subscriber's own last-N: receive at most this many videos (never more than Media:LastN).
    SdpNegotiationResult SetMaxVideos(int maxVideos);

    // Issue 11: the rendered size and visibility of the client's video tiles, by subscriber mid. Sizes
    // are validated by signaling; mids the SFU does not know (a tile racing a renegotiation) are counted
    // and skipped, never an error.
    SdpNegotiationResult SetTileSizes(IReadOnlyList<TileSize> tiles);

    // Host mute (issue 13): while held, the SFU forwards none of this participant's audio to anyone,
    // whatever its client sends; signaling releases it only when the participant unmutes itself.
    void HoldAudio(bool held);
}
