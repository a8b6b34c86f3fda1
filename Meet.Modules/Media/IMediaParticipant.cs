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

    // Participants whose video this subscriber always receives (issue 10), in order; at most its video
    // limit (409 "pin_limit" beyond), not itself (400), members of the meeting only (404); [] unpins.
    SdpNegotiationResult SetPinned(IReadOnlyList<string> participantIds);

    // Host only (signaling checks the role): how many screen shares the meeting allows at once, from now
    // on (1-8, else 400). Shares already running continue.
    SdpNegotiationResult SetMaxScreenShares(int maxShares);

    // Host mute (issue 13): while held, the SFU forwards none of this participant's audio to anyone,
    // whatever its client sends; signaling releases it only when the participant unmutes itself.
    void HoldAudio(bool held);
}
