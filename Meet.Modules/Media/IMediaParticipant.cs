namespace Meet.Modules.Media;

// DisposeAsync is "leave": it frees every transport, producer and consumer of the participant.
public interface IMediaParticipant : IAsyncDisposable
{
    string ParticipantId { get; }

    // Initial offer, renegotiation and ICE restart of the publisher PeerConnection.
    SdpNegotiationResult AnswerPublisherOffer(string offerSdp);

    // The answer to the last IMediaParticipantListener.OnSubscriberOffer.
    SdpNegotiationResult ApplySubscriberAnswer(string answerSdp);

    // The server is ICE-lite and never needs remote candidates (the client's checks reveal its address),
    // so this only validates the candidate line.
    SdpNegotiationResult AddRemoteCandidate(string candidate, string? sdpMid, bool subscriberPc);
}
