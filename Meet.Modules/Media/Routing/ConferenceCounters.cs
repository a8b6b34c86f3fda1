namespace Meet.Modules.Media.Routing;

// The conference selection across the module: dominant-speaker changes and consumers paused or
// resumed by last-N / top-3 audio.
internal sealed class ConferenceCounters
{
    private long _speakerChanges;
    private long _selectionChanges;

    public long SpeakerChanges => Interlocked.Read(ref _speakerChanges);

    public long ConsumersPausedOrResumed => Interlocked.Read(ref _selectionChanges);

    private long _slotRemaps;

    // Bounded slots that changed publisher (each one a keyframe request and a slot-map message).
    public long SlotRemaps => Interlocked.Read(ref _slotRemaps);

    public void OnSlotRemaps(int slots) => Interlocked.Add(ref _slotRemaps, slots);

    public void OnSpeakerChange() => Interlocked.Increment(ref _speakerChanges);

    public void OnResumedOrPaused(int consumers) => Interlocked.Add(ref _selectionChanges, consumers);
}
