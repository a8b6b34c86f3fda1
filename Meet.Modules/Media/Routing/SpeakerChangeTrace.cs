using System.Diagnostics;

namespace Meet.Modules.Media.Routing;

// One speaker change followed from the router's decision until every subscriber that had to switch to
// the new speaker's camera has been sent its first keyframe packet (Consumer.StartedAt). Lives under the
// router's lock and is polled on the selection tick: the packet path only stamps a consumer once when it
// starts, so following a change costs the forwarding path nothing.
internal sealed class SpeakerChangeTrace
{
    // A subscriber whose keyframe has not come by then is counted as not started.
    private static readonly long Deadline = Stopwatch.Frequency * 5;

    private readonly string _meetingId;
    private readonly string _speakerId;
    private readonly long _onset;
    private readonly long _decision;
    private readonly int _alreadyForwarding;
    private readonly List<(string SubscriberId, Consumer Consumer)> _waiting;
    private readonly List<SubscriberKeyFrameSent> _sent;
    private readonly ProducerLayer[] _cameraLayers;
    private int _closedBeforeStart;
    private readonly long _applied;

    private SpeakerChangeTrace(string meetingId, string speakerId, long onset, long decision, long applied, int alreadyForwarding,
        List<(string, Consumer)> waiting, ProducerLayer[] cameraLayers)
    {
        _applied = applied;
        _cameraLayers = cameraLayers;
        _meetingId = meetingId;
        _speakerId = speakerId;
        _onset = onset;
        _decision = decision;
        _alreadyForwarding = alreadyForwarding;
        _waiting = waiting;
        _sent = new List<SubscriberKeyFrameSent>(waiting.Count);
    }

    // The speaker's camera layers, whose first PLI and keyframe since the decision the trace reports:
    // called before the selection is applied, so the PLI the remapped slots send at once counts.
    public static void WatchCamera(string speakerId, IEnumerable<RouterMember> members, long decision)
    {
        foreach (var layer in CameraLayers(speakerId, members))
            layer.WatchKeyFrames(decision);
    }

    private static ProducerLayer[] CameraLayers(string speakerId, IEnumerable<RouterMember> members) =>
        [.. members.Where(m => m.ParticipantId == speakerId)
            .SelectMany(m => m.Publishing.Producers.Where(p => p.Kind == MediaKind.Video && !p.IsScreen))
            .SelectMany(p => p.Layers)];

    // After the selection was applied (at `applied`): every member's consumer of the speaker's camera
    // either forwards already (it was in that member's set) or waits for its keyframe.
    public static SpeakerChangeTrace Start(string meetingId, string speakerId, long onset, long decision, long applied, IEnumerable<RouterMember> members)
    {
        var waiting = new List<(string, Consumer)>();
        var alreadyForwarding = 0;
        foreach (var member in members)
        {
            if (member.HasLeft || member.ParticipantId == speakerId)
                continue;
            var consumer = SpeakerCamera(member.Subscribing, speakerId);
            if (consumer is null)
                continue;
            if (consumer.CurrentLayer >= 0)
                alreadyForwarding++;
            else
                waiting.Add((member.ParticipantId, consumer));
        }
        return new SpeakerChangeTrace(meetingId, speakerId, onset, decision, applied, alreadyForwarding, waiting, CameraLayers(speakerId, members));
    }

    private static Consumer? SpeakerCamera(SubscriberAllocator subscriber, string speakerId)
    {
        Consumer? found = null;
        foreach (var slot in subscriber.Slots)
        {
            if (slot.Consumer is { IsPaused: false } consumer && consumer.Producer.Kind == MediaKind.Video && !consumer.Producer.IsScreen
                && consumer.Producer.ParticipantId == speakerId)
            {
                // The grid and the speaker slot never both carry the speaker; if they did, the forwarding one counts.
                if (found is null || consumer.CurrentLayer >= 0)
                    found = consumer;
            }
        }
        return found;
    }

    // Moves the subscribers whose keyframe went out to the sent list; true when the trace is over (none
    // left waiting, or the deadline passed).
    public bool Poll(long now)
    {
        for (var i = _waiting.Count - 1; i >= 0; i--)
        {
            var (subscriberId, consumer) = _waiting[i];
            var started = consumer.StartedAt;
            if (started != 0)
                _sent.Add(new SubscriberKeyFrameSent(subscriberId, started));
            else if (consumer.IsClosed)
                _closedBeforeStart++;
            if (started != 0 || consumer.IsClosed)
            {
                _waiting[i] = _waiting[^1];
                _waiting.RemoveAt(_waiting.Count - 1);
            }
        }
        return _waiting.Count == 0 || now - _decision > Deadline;
    }

    private static long Earliest(long a, long b) => a == 0 ? b : b == 0 ? a : Math.Min(a, b);

    // The record as it stands: what has not started yet counts as not started.
    public SpeakerChangeRecord Finish()
    {
        Poll(Stopwatch.GetTimestamp());
        // The earliest across the camera's layers (a simulcast camera is asked per layer).
        long requested = 0, received = 0;
        foreach (var layer in _cameraLayers)
        {
            if (Volatile.Read(ref layer.KeyFrameWatchFrom) != _decision)
                continue;
            requested = Earliest(requested, Volatile.Read(ref layer.FirstRequestSinceWatch));
            received = Earliest(received, Volatile.Read(ref layer.FirstKeyFrameSinceWatch));
        }
        return new SpeakerChangeRecord(_meetingId, _speakerId, _onset, _decision, _applied, requested, received,
            _sent.ToArray(), _alreadyForwarding, _waiting.Count + _closedBeforeStart);
    }
}
