namespace Meet.Modules.Media.Internal;

// The offer/answer state machine of one subscriber PeerConnection (the server offers; docs/sfu.md
// "Subscriber negotiation"). Changes that arrive while an offer is outstanding are folded into the next
// offer; an answer is judged by the version of the offer it answers; a refused answer or one that does
// not arrive within the timeout leads to a fresh offer, with backoff when that keeps happening, never to
// silence. Not thread-safe: the owner holds its control lock.
internal sealed class SubscriberNegotiation(TimeProvider time, TimeSpan answerTimeout)
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private SubscriberOfferSnapshot? _outstanding;
    private long _offeredAt;
    private long _retryAt;
    private int _failures;

    public SubscriberNegotiationState State { get; private set; } = SubscriberNegotiationState.Stable;

    // The newest version offered (0 = none yet); versions only grow.
    public ulong LastOfferedVersion { get; private set; }

    public ulong LastAcceptedVersion { get; private set; }

    // Something changed that the client has not been offered yet.
    public bool HasPendingChanges { get; private set; }

    public SubscriberOfferSnapshot? Outstanding => _outstanding;

    // Consecutive refused or unanswered offers; reset by an accepted answer.
    public int ConsecutiveFailures => _failures;

    public long OffersSent { get; private set; }

    public long AnswersAccepted { get; private set; }

    public long AnswersRefused { get; private set; }

    public long StaleAnswers { get; private set; }

    public long Timeouts { get; private set; }

    public void MarkChanged()
    {
        if (State != SubscriberNegotiationState.Closed)
            HasPendingChanges = true;
    }

    // True when an offer should go out now: stable, something to offer, and not inside a retry backoff.
    public bool ShouldOffer =>
        State == SubscriberNegotiationState.Stable && HasPendingChanges && time.GetTimestamp() >= _retryAt;

    public ulong NextVersion => LastOfferedVersion + 1;

    public void OfferSent(SubscriberOfferSnapshot snapshot)
    {
        if (State != SubscriberNegotiationState.Stable || snapshot.Version <= LastOfferedVersion)
            throw new InvalidOperationException($"Cannot send offer v{snapshot.Version} in state {State} after v{LastOfferedVersion}.");
        TransitionTo(SubscriberNegotiationState.HaveLocalOffer);
        _outstanding = snapshot;
        LastOfferedVersion = snapshot.Version;
        HasPendingChanges = false;
        _offeredAt = time.GetTimestamp();
        OffersSent++;
    }

    // Version 0 comes from clients that do not echo versions (a client generated from the seed proto):
    // with at most one offer outstanding it can only answer that one.
    public SubscriberAnswerVerdict Judge(ulong version)
    {
        if (State == SubscriberNegotiationState.Closed)
            return SubscriberAnswerVerdict.Closed;
        if (version > LastOfferedVersion)
            return SubscriberAnswerVerdict.Unknown;
        if (State == SubscriberNegotiationState.HaveLocalOffer && (version == 0 || version == _outstanding!.Version))
            return SubscriberAnswerVerdict.Current;
        if (version == 0)
            return SubscriberAnswerVerdict.NoOfferOutstanding;
        StaleAnswers++;
        return SubscriberAnswerVerdict.Stale;
    }

    public void AnswerAccepted()
    {
        RequireOutstanding();
        LastAcceptedVersion = _outstanding!.Version;
        _outstanding = null;
        _failures = 0;
        _retryAt = 0;
        AnswersAccepted++;
        TransitionTo(SubscriberNegotiationState.Stable);
    }

    // The answer to the outstanding offer was unusable: everything it carried is offered again.
    public void AnswerRefused()
    {
        RequireOutstanding();
        AnswersRefused++;
        Fail();
    }

    // Called periodically: an offer unanswered for the timeout counts as lost and is offered again.
    public bool CheckTimeout()
    {
        if (State != SubscriberNegotiationState.HaveLocalOffer || time.GetElapsedTime(_offeredAt) < answerTimeout)
            return false;
        Timeouts++;
        Fail();
        return true;
    }

    public void Close()
    {
        if (State == SubscriberNegotiationState.Closed)
            return;
        TransitionTo(SubscriberNegotiationState.Closed);
        _outstanding = null;
        HasPendingChanges = false;
    }

    private void Fail()
    {
        _outstanding = null;
        HasPendingChanges = true;
        _failures++;
        // The first retry goes at once (a lost message); a client that keeps refusing is retried with
        // exponential backoff so a broken client cannot make the server spin.
        var delay = _failures <= 1 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Min(MaxRetryDelay.TotalMilliseconds, 250 * Math.Pow(2, _failures - 2)));
        _retryAt = time.GetTimestamp() + (long)(delay.TotalSeconds * time.TimestampFrequency);
        TransitionTo(SubscriberNegotiationState.Stable);
    }

    private void RequireOutstanding()
    {
        if (State != SubscriberNegotiationState.HaveLocalOffer)
            throw new InvalidOperationException($"No offer is outstanding (state {State}).");
    }

    private void TransitionTo(SubscriberNegotiationState next)
    {
        var allowed = (State, next) switch
        {
            (SubscriberNegotiationState.Closed, _) => false,
            (_, SubscriberNegotiationState.Closed) => true,
            (SubscriberNegotiationState.Stable, SubscriberNegotiationState.HaveLocalOffer) => true,
            (SubscriberNegotiationState.HaveLocalOffer, SubscriberNegotiationState.Stable) => true,
            _ => false,
        };
        if (!allowed)
            throw new InvalidOperationException($"Subscriber negotiation cannot go from {State} to {next}.");
        State = next;
    }
}
