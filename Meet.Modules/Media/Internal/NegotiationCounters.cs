namespace Meet.Modules.Media.Internal;

// Subscriber negotiation outcomes across the module: how often offers had to be made again.
internal sealed class NegotiationCounters
{
    private long _offers;
    private long _accepted;
    private long _refused;
    private long _stale;
    private long _timeouts;

    public long Offers => Interlocked.Read(ref _offers);

    public long AnswersAccepted => Interlocked.Read(ref _accepted);

    public long AnswersRefused => Interlocked.Read(ref _refused);

    public long StaleAnswers => Interlocked.Read(ref _stale);

    public long Timeouts => Interlocked.Read(ref _timeouts);

    public void OnOffer() => Interlocked.Increment(ref _offers);

    public void OnAccepted() => Interlocked.Increment(ref _accepted);

    public void OnRefused() => Interlocked.Increment(ref _refused);

    public void OnStale() => Interlocked.Increment(ref _stale);

    public void OnTimeout() => Interlocked.Increment(ref _timeouts);
}
