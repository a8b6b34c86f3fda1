namespace Meet.Modules.Media.Routing;

// `using (router.Enter())`: the meeting's lock for one piece of control-plane work. Leaving it flushes
// what the work queued to send (keyframe requests, RTCP) and then delivers the events it raised
// (offers, speaker announcements) outside the lock — so no caller has to remember either.
internal readonly ref struct RouterScope
{
    private readonly Router _router;

    public RouterScope(Router router)
    {
        _router = router;
        router.Lock.Enter();
    }

    public void Dispose() => _router.Exit();
}
