namespace Meet.Modules.Media.Internal;

// What an arriving answer is, judged by the offer version it names (never by live slot state).
internal enum SubscriberAnswerVerdict
{
    // Answers the outstanding offer: check it against that offer's snapshot.
    Current,

    // Answers an offer that a later one replaced (timed out, refused): ignored, counted.
    Stale,

    // No offer is outstanding and the version names none we replaced.
    NoOfferOutstanding,

    // Names a version the server never offered.
    Unknown,

    Closed,
}
