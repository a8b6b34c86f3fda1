using Meet.Modules.Media.Transport;

namespace Meet.Modules.Media.Routing;

// One meeting's media (mediasoup's Router): its members, whose producers feed each other's consumers,
// and the meeting's selection (active speaker, last-N video, top-3 audio), decided once per tick and
// fed to every member's SubscriberAllocator. Each meeting has its own lock (Enter), so meetings never
// wait for each other; the packet path takes no router lock at all (it reads copy-on-write tables and
// each consumer's paused flag).
internal sealed class Router(string meetingId, int lastN, MediaSender sender, ConferenceCounters counters)
{
    private readonly List<RouterMember> _members = [];
    private readonly List<(RouterMember Member, ActiveSpeakerUpdate? Speaker)> _events = [];
    private int _nextConsumerId;

    public string MeetingId { get; } = meetingId;

    public Lock Lock { get; } = new();

    // The last member left: the module forgets this router; a join that raced with that retries.
    public bool IsClosed { get; private set; }

    public IReadOnlyList<RouterMember> Members => _members;

    public ConferenceSelector Selector { get; } = new(lastN);

    public ConferenceSelection Selection => Selector.Current;

    public RouterScope Enter() => new(this);

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
        lock (Lock)
        {
            if (_events.Count == 0)
                return;
            events = [.. _events];
            _events.Clear();
        }
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
        var member = new RouterMember(this, participantId, publisher, subscriber, listener, mediaCounters);
        _members.Add(member);
        foreach (var other in _members)
        {
            if (other == member)
                continue;
            foreach (var producer in other.Publishing.Producers)
                AddConsumer(member, producer);
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
        member.Subscribing.Close();
        _members.Remove(member);
        if (_members.Count == 0)
            IsClosed = true;
        Reselect();
    }

    // Under Enter(): a published track; every other member gets a consumer of it.
    public void AddProducer(RouterMember publisher, Producer producer)
    {
        publisher.Publishing.AddProducer(producer);
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
        subscriber.Subscribing.AddConsumer(producer, subscriber.Subscriber, "consumer-" + (++_nextConsumerId).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Selection, sender);

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
        member.Subscribing.Apply(Selection, sender);
    }

    // Under Enter(), once per tick: the selection from this tick's voice activity, applied to every
    // member when it changed; then the producers' and consumers' periodic work.
    public void Tick(TimeSpan interval, bool reports)
    {
        var activity = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var member in _members)
        {
            var voice = member.Publishing.TakeVoiceActivity(interval);
            if (voice > 0)
                activity[member.ParticipantId] = voice;
        }
        if (Selector.Tick(Publishers(), activity, out var speakerChanged))
        {
            Apply(speakerChanged);
            if (speakerChanged)
            {
                var update = new ActiveSpeakerUpdate(Selection.DominantSpeaker, Selection.RecentSpeakers);
                foreach (var member in _members)
                    _events.Add((member, update));
            }
        }
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        foreach (var member in _members)
        {
            member.Publishing.OnTick(reports, member.Publisher, sender);
            // Issue 11: layers per subscriber from its own downlink estimate.
            if (member.Subscriber.Downlink is { } downlink)
                member.Subscribing.AllocateLayers(downlink, Selection, now);
            if (reports)
                member.Subscribing.SendSenderReports(sender);
        }
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
        if (speakerChanged)
            counters.OnSpeakerChange();
        foreach (var member in _members)
            counters.OnResumedOrPaused(member.Subscribing.Apply(Selection, sender));
    }
}
