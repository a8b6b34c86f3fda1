using Meet.Modules.Media.Transport;

namespace Meet.Modules.Media.Routing;

// One meeting's media (mediasoup's Router): its members, whose producers feed each other's consumers,
// and the meeting's selection (active speaker, last-N video, top-3 audio), decided once per tick and
// fed to every member's SubscriberAllocator. Each meeting has its own lock (Enter), so meetings never
// wait for each other; the packet path takes no router lock at all (it reads copy-on-write tables and
// each consumer's paused flag).
//
// A mixing meeting (issue 17) has a Mixer: audio producers feed it instead of consumers, each member's
// subscriber has one mix slot, and the selection's audible set is what the mixer mixes.
internal sealed partial class Router(string meetingId, int lastN, MediaSender sender, ConferenceCounters counters, bool boundedSlots = false, Mixing.AudioMixer? mixer = null,
    int maxScreenShares = 1)
{
    private readonly List<RouterMember> _members = [];
    private readonly List<(RouterMember Member, ActiveSpeakerUpdate? Speaker)> _events = [];
    private readonly Dictionary<RouterMember, IReadOnlyList<MediaSlotAssignment>> _slotMaps = [];
    private int _nextConsumer;
    private TimeSpan _lastTickClock = TimeSpan.MinValue;

    public string MeetingId { get; } = meetingId;

    // Media:BoundedSlots: every subscriber has min(LastN, its limit) video slots and 3 audio slots,
    // remapped by its SubscriberAllocator, instead of a slot per published track.
    public bool BoundedSlots { get; } = boundedSlots;

    public int LastN { get; } = lastN;

    // Screen shares at once in this meeting: Media:MaxScreenShares until a host changes it (issue 10).
    // With bounded slots every subscriber has this many screen slots once the first share starts.
    public int MaxScreenShares { get; private set; } = maxScreenShares;

    public Mixing.AudioMixer? Mixer { get; } = mixer;

    public AudioMode AudioMode => Mixer is null ? AudioMode.Forward : AudioMode.Mix;

    public Lock Lock { get; } = new();

    // The last member left: the module forgets this router; a join that raced with that retries.
    public bool IsClosed { get; private set; }

    public IReadOnlyList<RouterMember> Members => _members;

    public ConferenceSelector Selector { get; } = new(lastN);

    public ConferenceSelection Selection => Selector.Current;

    public RouterScope Enter() => new(this);

    private string NextConsumerId() => "consumer-" + (++_nextConsumer).ToString(System.Globalization.CultureInfo.InvariantCulture);

    internal void Exit()
    {
        Lock.Exit();
        if (Lock.IsHeldByCurrentThread)
            return;
        sender.Flush();
        RaiseEvents();
    }

    private void RaiseEvents()
    {
        (RouterMember Member, ActiveSpeakerUpdate? Speaker)[] events;
        KeyValuePair<RouterMember, IReadOnlyList<MediaSlotAssignment>>[] slotMaps;
        (RouterMember Member, string Mid, IReadOnlyList<PublisherLayerState> Layers)[] layerEvents;
        lock (Lock)
        {
            if (_events.Count == 0 && _slotMaps.Count == 0 && _layerEvents.Count == 0)
                return;
            events = [.. _events];
            _events.Clear();
            slotMaps = [.. _slotMaps];
            _slotMaps.Clear();
            layerEvents = [.. _layerEvents];
            _layerEvents.Clear();
        }
        foreach (var (member, mid, layers) in layerEvents)
            member.Listener.OnPublisherLayers(mid, layers);
        // A slot map names mids, so it follows the offer that created them.
        foreach (var (member, map) in slotMaps)
            member.Listener.OnSlotAssignments(map);
        foreach (var (member, speaker) in events)
        {
            if (speaker is null)
                member.Listener.OnRenegotiationDue();
            else
                member.Listener.OnActiveSpeakerChanged(speaker);
        }
    }

    // Under Enter(): a new member receives every producer already in the meeting.
    public RouterMember Join(string participantId, WebRtcTransport publisher, WebRtcTransport subscriber, IRouterMemberListener listener, MediaCounters mediaCounters)
    {
        var member = new RouterMember(this, participantId, publisher, subscriber, listener, mediaCounters,
            new SubscriberAllocator(participantId, BoundedSlots, LastN));
        _members.Add(member);
        if (Mixer is not null)
            Mixer.AddListener(member.Subscribing.AddMixSlot(subscriber));
        if (BoundedSlots)
        {
            // The mix slot (a mixing meeting) exists from the start: it needs the first offer too.
            Reallocate(member, new AllocationCandidates(Selection, AllProducers()));
            if (Mixer is not null)
                SlotsChanged(member);
            return member;
        }
        foreach (var other in _members)
        {
            if (other == member)
                continue;
            foreach (var producer in other.Publishing.Producers)
            {
                if (producer.Mixer is null)
                    AddConsumer(member, producer);
            }
        }
        if (member.Subscribing.Slots.Count > 0)
            SlotsChanged(member);
        return member;
    }

    // Under Enter(): the member's producers close (other members' slots go inactive), its consumers
    // detach, and the selection is recomputed without it.
    public void Leave(RouterMember member)
    {
        if (member.HasLeft)
            return;
        member.HasLeft = true;
        foreach (var producer in member.Publishing.Producers.ToList())
            CloseProducer(member, producer);
        member.Publishing.Clear();
        if (member.Subscribing.MixListener is { } mix)
            Mixer?.RemoveListener(mix);
        member.Subscribing.Close();
        _members.Remove(member);
        if (_members.Count == 0)
        {
            IsClosed = true;
            Mixer?.Close();
        }
        Reselect();
    }

    // Under Enter(): a published track; every other member gets a consumer of it.
    public void AddProducer(RouterMember publisher, Producer producer)
    {
        publisher.Publishing.AddProducer(producer);
        if (Mixer is not null && producer.Kind == MediaKind.Audio)
        {
            producer.Mixer = Mixer;
            return;
        }
        if (BoundedSlots)
        {
            // The selection places the newcomer; Reselect (after the publisher's answer) reallocates.
            ReallocateAll();
            return;
        }
        foreach (var other in _members)
        {
            if (other != publisher && !other.HasLeft)
            {
                AddConsumer(other, producer);
                SlotsChanged(other);
            }
        }
    }

    // Under Enter(): the track stopped; its consumers' slots go inactive.
    public void CloseProducer(RouterMember publisher, Producer producer)
    {
        if (BoundedSlots)
        {
            // Slots stay; the ones it fed take the next publisher (or go idle) without renegotiation.
            producer.Close();
            publisher.Publishing.RemoveProducer(producer);
            ReallocateAll();
            return;
        }
        foreach (var consumer in producer.Consumers)
        {
            var subscriber = _members.FirstOrDefault(m => m.ParticipantId == consumer.SubscriberId);
            if (subscriber is not null && subscriber.Subscribing.RemoveConsumer(consumer))
                SlotsChanged(subscriber);
        }
        producer.Close();
        publisher.Publishing.RemoveProducer(producer);
    }

    private void AddConsumer(RouterMember subscriber, Producer producer) =>
        subscriber.Subscribing.AddConsumer(producer, subscriber.Subscriber, NextConsumerId(), Selection, sender);

    private List<Producer> AllProducers() => [.. _members.Where(m => !m.HasLeft).SelectMany(m => m.Publishing.Producers)];

    private void ReallocateAll()
    {
        var candidates = new AllocationCandidates(Selection, AllProducers());
        foreach (var member in _members)
        {
            if (!member.HasLeft)
                Reallocate(member, candidates);
        }
    }

    // Bounded slots: the member's allocator maps its slots; slots added renegotiate, remaps are announced.
    private int Reallocate(RouterMember member, AllocationCandidates candidates)
    {
        var result = member.Subscribing.Allocate(Selection, candidates, member.Subscriber, NextConsumerId, sender, MaxScreenShares);
        if (result.SlotsAdded)
            SlotsChanged(member);
        if (result.SlotsAdded || result.Remapped > 0)
        {
            counters.OnSlotRemaps(result.Remapped);
            _slotMaps[member] = member.Subscribing.Assignments();
        }
        return result.Remapped;
    }

    private void SlotsChanged(RouterMember member)
    {
        member.Listener.OnSlotsChanged();
        if (!_events.Contains((member, null)))
            _events.Add((member, null));
    }

    // Under Enter(): the subscriber's own last-N.
    public void SetMaxVideos(RouterMember member, int maxVideos)
    {
        member.Subscribing.MaxVideos = maxVideos;
        if (BoundedSlots)
            Reallocate(member, new AllocationCandidates(Selection, AllProducers()));
        else
            member.Subscribing.Apply(Selection, sender);
    }

    // Under Enter(): the subscriber's pins (MediaParticipant checked them against its video limit).
    public void SetPinned(RouterMember member, IReadOnlyList<string> participantIds)
    {
        member.Subscribing.Pinned = participantIds;
        if (BoundedSlots)
            Reallocate(member, new AllocationCandidates(Selection, AllProducers()));
        else
            counters.OnResumedOrPaused(member.Subscribing.Apply(Selection, sender));
    }

    // Under Enter(): a host changed how many screen shares may run at once. Shares already running stay
    // (a lower limit refuses only new ones); a higher one adds screen slots when the next share starts.
    public void SetMaxScreenShares(int maxShares)
    {
        MaxScreenShares = maxShares;
        if (BoundedSlots)
            ReallocateAll();
    }

    // Under Enter(), once per tick: the selection from this tick's voice activity, applied to every
    // member when it changed; then, on a full tick, the producers' and consumers' periodic work.
    // MediaModule ticks the selection every 50 ms (SpeakerActivity.Resolution: a speaker change is
    // decided within 50 ms of the speech it needs) and does the full work every other tick (100 ms).
    // clock: the module's monotonic time. A tick that runs late (a starved timer thread) covers more
    // than one interval: its activity is measured over the real time and counts for every interval it
    // covers, so the detector's windows stay in time, not in ticks. Without it a 300 ms late tick
    // counted as 100 ms of speech (activity clipped at 1) and a speaker change waited for more ticks.
    public void Tick(TimeSpan interval, bool reports, TimeSpan? clock = null, bool full = true)
    {
        var covered = interval;
        if (clock is { } now)
        {
            if (_lastTickClock != TimeSpan.MinValue && now > _lastTickClock)
                covered = interval * Math.Clamp((int)Math.Round((now - _lastTickClock) / interval), 1, SpeakerActivity.LongTicks);
            _lastTickClock = now;
        }
        var activity = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var member in _members)
        {
            var voice = member.Publishing.TakeVoiceActivity(covered);
            if (voice > 0)
                activity[member.ParticipantId] = voice;
        }
        PollSpeakerTrace();
        if (Selector.Tick(Publishers(), activity, out var speakerChanged, covered))
        {
            var decidedAt = System.Diagnostics.Stopwatch.GetTimestamp();
            if (speakerChanged)
                OnSpeakerDecided(decidedAt);
            Apply(speakerChanged);
            if (speakerChanged)
            {
                TraceSpeakerChange(decidedAt);
                var update = new ActiveSpeakerUpdate(Selection.DominantSpeaker, Selection.RecentSpeakers);
                foreach (var member in _members)
                    _events.Add((member, update));
            }
        }
        if (!full)
            return;
        var timestamp = System.Diagnostics.Stopwatch.GetTimestamp();
        foreach (var member in _members)
        {
            member.Publishing.OnTick(reports, member.Publisher, sender);
            // Issue 11: layers per subscriber from its own downlink estimate.
            if (member.Subscriber.Downlink is { } downlink)
                member.Subscribing.AllocateLayers(downlink, Selection, timestamp);
            if (reports)
                member.Subscribing.SendSenderReports(sender);
        }
        // Issue 11: after every subscriber chose its layers, the layers nobody wants pause at the publisher.
        UpdateDynacast(timestamp);
    }

    // Under Enter(): producers came or went; the selection is recomputed (no new activity) and applied now.
    public void Reselect()
    {
        if (Selector.Refresh(Publishers()))
            Apply(speakerChanged: false);
    }

    private (string, bool, bool)[] Publishers() =>
        _members.Select(m => (m.ParticipantId, m.Publishing.PublishesVideo, m.Publishing.PublishesAudio)).ToArray();

    private void Apply(bool speakerChanged)
    {
        Mixer?.SetSpeakers(Selection.Audible);
        if (speakerChanged)
            counters.OnSpeakerChange();
        if (BoundedSlots)
        {
            ReallocateAll();
            return;
        }
        foreach (var member in _members)
            counters.OnResumedOrPaused(member.Subscribing.Apply(Selection, sender));
    }
}
