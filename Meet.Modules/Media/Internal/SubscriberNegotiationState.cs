namespace Meet.Modules.Media.Internal;

// JSEP signaling states of a PeerConnection whose offerer is the server (RFC 8829 §3.2): stable, or
// have-local-offer while one offer waits for its answer. Closed once the participant left.
internal enum SubscriberNegotiationState
{
    Stable,
    HaveLocalOffer,
    Closed,
}
