using System.Diagnostics;
using System.Globalization;
using Meet.Modules.Media.Bandwidth;
using Meet.Modules.Media.Protocols.Rtcp;
using Meet.Modules.Media.Transport;

namespace Meet.Modules.Media.Routing;

// One subscriber's share of the router: its receive slots (the m-sections of its subscriber
// PeerConnection), the consumers in them, and the decision of what each consumer forwards. The
// meeting's selection (active speaker, last-N, top-3 audio) is fed in once per change; this class
// applies the subscriber's own limits to it. It is the seam for bandwidth allocation (issue 11): the
// layer a consumer sends and whether it sends at all are decided here, per subscriber, never per packet.
// Two shapes: per track (a slot per consumer, paused outside the selection) or bounded
// (Media:BoundedSlots: min(LastN, the client's limit) video slots and 3 audio slots, fixed once
// created, remapped to whichever publishers the selection forwards — a join renegotiates nobody).
// Mutated under the router's lock; the packet path reads only consumer state and the slot list's snapshot.
internal sealed partial class SubscriberAllocator(string subscriberId, bool bounded = false, int lastN = int.MaxValue)
{
    private readonly List<SubscriberSlot> _slots = [];
    private SubscriberSlot[] _slotSnapshot = [];
    private int _nextMid;

    public string SubscriberId { get; } = subscriberId;

    public bool IsBounded { get; } = bounded;

    // Bounded: how many videos this subscriber receives at most, and so how many video slots it has.
    public int VideoLimit => Math.Min(lastN, MaxVideos);

    public long Remaps { get; private set; }

    public IReadOnlyList<SubscriberSlot> Slots => _slots;

    // The client's own last-N (a small window, a phone): at most this many videos.
    public int MaxVideos { get; set; } = int.MaxValue;

    // Participants this subscriber pinned, in pin order: their cameras always count among its videos
    // (Router.SetPinned keeps the list within VideoLimit).
    public IReadOnlyList<string> Pinned { get; set; } = [];

    public int ConsumerCount => _slots.Count(s => s.Consumer is not null);

    public IEnumerable<Consumer> Consumers => _slots.Where(s => s.Consumer is not null).Select(s => s.Consumer!);

    // A consumer of `producer` in a free slot of its kind (one the client has answered inactive) or in
    // a new one. Starts paused when outside the selection; a new consumer starts on a keyframe.
    public Consumer AddConsumer(Producer producer, WebRtcTransport transport, string consumerId, ConferenceSelection selection, MediaSender sender)
    {
        var slot = _slots.FirstOrDefault(s => s.Reusable && s.Kind == producer.Kind && s.HasSameCodecs(producer.Codecs));
        if (slot is null)
            slot = AddSlot(producer.Kind, producer.Codecs);
        else
        {
            // A reused m-section is a new track, so a new tile: the old tile's size no longer applies.
            slot.Stream = new OutgoingStream();
            slot.TileWidth = slot.TileHeight = 0;
            slot.TileHidden = false;
        }
        var consumer = new Consumer(consumerId, producer, SubscriberId, transport, slot.Mid, slot.Stream);
        consumer.SetPaused(!Forwards(selection, slot, consumer, GridVideos(selection, Cameras(producer))), sender);
        slot.Consumer = consumer;
        slot.Reusable = false;
        producer.AddConsumer(consumer);
        producer.RequestKeyFrame(producer.BestLayer, sender);
        return consumer;
    }

    private SubscriberSlot AddSlot(MediaKind kind, IReadOnlyList<RtpCodec> codecs)
    {
        var slot = new SubscriberSlot((_nextMid++).ToString(CultureInfo.InvariantCulture), kind, codecs);
        _slots.Add(slot);
        Volatile.Write(ref _slotSnapshot, [.. _slots]);
        return slot;
    }

    // Bounded slots: which publishers this subscriber's slots show, from the meeting's selection and
    // every producer of the meeting. A publisher that stays selected keeps its slot; a slot whose
    // publisher left the selection takes the next one (a new consumer on the slot's stream, which
    // starts on a keyframe, requested now). Slots are added — the only renegotiation — when the
    // first producer of a kind appears or the client's limit grows.
    public SlotAllocation Allocate(ConferenceSelection selection, IReadOnlyList<Producer> producers, WebRtcTransport transport,
        Func<string> nextConsumerId, MediaSender sender, int screenSlots = 1) =>
        Allocate(selection, new AllocationCandidates(selection, producers), transport, nextConsumerId, sender, screenSlots);

    // The same from candidates the router sorted once for all its subscribers: per subscriber this is
    // O(slots + pins × cameras), once per selection change, never per packet.
    public SlotAllocation Allocate(ConferenceSelection selection, AllocationCandidates candidates, WebRtcTransport transport,
        Func<string> nextConsumerId, MediaSender sender, int screenSlots = 1)
    {
        var screens = candidates.Screens.Where(p => p.ParticipantId != SubscriberId).Take(screenSlots).ToList();
        var videos = GridVideos(selection, candidates.CamerasByRank, ranked: true);
        // The speaker slot carries the speaker only when the grid does not (pins filled it): a second copy
        // of a stream the subscriber already receives would cost its downlink for nothing (a two-person
        // call would get its video twice). The client shows the speaker's grid tile large instead.
        var speaker = SpeakerVideo(selection, candidates.CamerasByRank) is { } candidate && !videos.Contains(candidate) ? candidate : null;
        var audios = candidates.Audios.Where(p => p.ParticipantId != SubscriberId).Take(ConferenceSelection.AudibleSpeakers).ToList();
        var speakerSlots = VideoLimit > 0 ? 1 : 0;
        var added = EnsureSlots(MediaKind.Video, SlotRole.Grid, VideoLimit, candidates)
            | EnsureSlots(MediaKind.Video, SlotRole.Speaker, speakerSlots, candidates)
            | EnsureSlots(MediaKind.Audio, SlotRole.Grid, ConferenceSelection.AudibleSpeakers, candidates)
            | EnsureSlots(MediaKind.Video, SlotRole.Screen, screenSlots, candidates);
        var remapped = Assign(MediaKind.Video, SlotRole.Grid, videos, transport, nextConsumerId, sender)
            + Assign(MediaKind.Video, SlotRole.Speaker, speaker is null ? [] : [speaker], transport, nextConsumerId, sender)
            + Assign(MediaKind.Audio, SlotRole.Grid, audios, transport, nextConsumerId, sender)
            + Assign(MediaKind.Video, SlotRole.Screen, screens, transport, nextConsumerId, sender);
        Remaps += remapped;
        return new SlotAllocation(added, remapped);
    }

    // The cameras this subscriber's grid shows: the ones it pinned (pin order), then the meeting's video
    // order (active speaker, recent speakers, join order; not seen yet = last), VideoLimit in all, never
    // its own. ranked: the cameras are already in the video order (AllocationCandidates), so the walk
    // stops once the grid is full.
    private List<Producer> GridVideos(ConferenceSelection selection, IReadOnlyList<Producer> cameras, bool ranked = false)
    {
        var pinned = Pinned;
        var grid = pinned.Count == 0 ? [] : cameras
            .Where(p => p.ParticipantId != SubscriberId && Contains(pinned, p.ParticipantId))
            .OrderBy(p => IndexOf(pinned, p.ParticipantId))
            .Take(VideoLimit)
            .ToList();
        var rest = cameras.Where(p => p.ParticipantId != SubscriberId && !Contains(pinned, p.ParticipantId));
        if (!ranked)
            rest = rest.OrderBy(p => selection.VideoRank(p.ParticipantId));
        grid.AddRange(rest.Take(VideoLimit - grid.Count));
        return grid;
    }

    // The speaker slot: the active speaker's camera; for the active speaker itself, the most recent
    // other speaker's (as others see the speaker, the speaker sees whom it answers). Idle before anyone
    // spoke, or when the client asked for no video at all.
    private Producer? SpeakerVideo(ConferenceSelection selection, IReadOnlyList<Producer> cameras)
    {
        if (VideoLimit == 0)
            return null;
        var speaker = selection.DominantSpeaker != SubscriberId ? selection.DominantSpeaker
            : selection.RecentSpeakers.FirstOrDefault(id => id != SubscriberId);
        return speaker is null ? null : cameras.FirstOrDefault(p => p.ParticipantId == speaker);
    }

    // Issue 10's priority among this subscriber's videos when its downlink is split (issue 11's
    // AllocateLayers; lower goes first): what the subscriber looks at large comes before the grid —
    //  1. screen shares (shown large to everyone; a share's text is unreadable on its lowest layer),
    //  2. the active speaker: the speaker slot (the speaker itself sees there whom it follows), or the
    //     speaker's grid tile when the grid carries the speaker and the speaker slot is idle,
    //  3. its pins, in pin order,
    //  4. the rest of the grid in the selection's order (recent speakers first, then join order).
    // Within a tier the selection's order breaks ties. O(pins), no allocation: runs per consumer per tick.
    public int AllocationRank(SubscriberSlot slot, Consumer consumer, ConferenceSelection selection)
    {
        var producer = consumer.Producer;
        var selectionRank = Math.Min(selection.VideoRank(producer.ParticipantId), RankTier - 1);
        if (producer.IsScreen || slot.Screen)
            return selectionRank;
        if (slot.Speaker || producer.ParticipantId == selection.DominantSpeaker)
            return RankTier + selectionRank;
        var pin = IndexOf(Pinned, producer.ParticipantId);
        if (pin >= 0)
            return 2 * RankTier + Math.Min(pin, RankTier - 1);
        return 3 * RankTier + selectionRank;
    }

    // Wider than any meeting's video order, so tiers never overlap; four tiers stay far below int.MaxValue.
    private const int RankTier = 1 << 24;

    private static bool Contains(IReadOnlyList<string> ids, string id) => IndexOf(ids, id) >= 0;

    private static int IndexOf(IReadOnlyList<string> ids, string id)
    {
        for (var i = 0; i < ids.Count; i++)
        {
            if (ids[i] == id)
                return i;
        }
        return -1;
    }

    // Which bounded slots a kind has: the grid (last-N video, or top-3 audio), the speaker, screen shares.
    private enum SlotRole
    {
        Grid,
        Speaker,
        Screen,
    }

    private static bool Has(SubscriberSlot slot, MediaKind kind, SlotRole role) =>
        slot.Kind == kind && slot.Screen == (role == SlotRole.Screen) && slot.Speaker == (role == SlotRole.Speaker);

    private bool EnsureSlots(MediaKind kind, SlotRole role, int count, AllocationCandidates candidates)
    {
        var have = _slots.Count(s => Has(s, kind, role));
        if (have >= count)
            return false;
        // The slot's codecs (payload types, fmtp) come from the first other publisher of that kind;
        // later publishers are renumbered onto them (SubscriberSlot.TryMapPayloadTypes).
        // A mixing meeting's audio goes to the mixer (its own slot), never to a bounded audio slot.
        var screen = role == SlotRole.Screen;
        var template = candidates.Template(kind, screen, SubscriberId);
        if (template is null)
            return false;
        for (var i = have; i < count; i++)
        {
            var slot = new SubscriberSlot((_nextMid++).ToString(CultureInfo.InvariantCulture), kind, template.Codecs)
            {
                Bounded = true,
                Screen = screen,
                Speaker = role == SlotRole.Speaker,
            };
            _slots.Add(slot);
        }
        Volatile.Write(ref _slotSnapshot, [.. _slots]);
        return true;
    }

    private int Assign(MediaKind kind, SlotRole role, List<Producer> wanted, WebRtcTransport transport, Func<string> nextConsumerId, MediaSender sender)
    {
        var changes = 0;
        var free = new List<SubscriberSlot>();
        foreach (var slot in _slots)
        {
            if (!Has(slot, kind, role))
                continue;
            if (slot.Consumer is { } current && wanted.Remove(current.Producer))
                continue;
            free.Add(slot);
        }
        foreach (var slot in free)
        {
            Producer? next = null;
            byte[]? map = null;
            foreach (var candidate in wanted)
            {
                if (slot.TryMapPayloadTypes(candidate.Codecs, out map))
                {
                    next = candidate;
                    break;
                }
            }
            var old = slot.Consumer;
            if (old is not null)
            {
                old.IsClosed = true;
                old.Producer.RemoveConsumer(old);
                slot.Consumer = null;
            }
            if (next is not null)
            {
                wanted.Remove(next);
                var consumer = new Consumer(nextConsumerId(), next, SubscriberId, transport, slot.Mid, slot.Stream, map);
                // A hidden tile stays paused whoever its slot shows now (issue 11).
                if (IsHidden(slot))
                    consumer.SetPaused(true, sender);
                slot.Consumer = consumer;
                next.AddConsumer(consumer);
                next.RequestKeyFrame(next.BestLayer, sender);
            }
            if (old is not null || next is not null)
                changes++;
        }
        return changes;
    }

    // Bounded slots: who each slot shows now, for the client's tiles.
    public IReadOnlyList<MediaSlotAssignment> Assignments() =>
        _slots.Where(s => s.Bounded)
            .Select(s => new MediaSlotAssignment(s.Mid, s.Kind == MediaKind.Audio ? "audio" : s.Screen ? "screen" : s.Speaker ? "speaker" : "video", s.ParticipantId, s.Consumer?.Producer.TrackId))
            .ToArray();

    // A mixing meeting's one audio slot (issue 17): the mixed stream, Opus as every browser offers it.
    public Mixing.MixListener AddMixSlot(Mixing.IMixedAudioSink sink)
    {
        var mid = (_nextMid++).ToString(CultureInfo.InvariantCulture);
        var listener = new Mixing.MixListener(SubscriberId, sink, mid, (byte)MixedAudioCodec.PayloadType, MixedAudioLevelExtensionId);
        _slots.Add(new SubscriberSlot(mid, MediaKind.Audio, [MixedAudioCodec]) { Mix = listener });
        Volatile.Write(ref _slotSnapshot, [.. _slots]);
        return listener;
    }

    // What the mixer sends: RFC 7587 Opus (always "/2" in SDP, mono content), with in-band FEC.
    public static readonly RtpCodec MixedAudioCodec = new(111, "opus", Mixing.MixFormat.SampleRate, 2, "minptime=10;useinbandfec=1");

    // The ssrc-audio-level id in the mix m-section; ours to choose since the SFU makes the offer.
    public const int MixedAudioLevelExtensionId = 1;

    public Mixing.MixListener? MixListener => _slots.FirstOrDefault(s => s.Mix is not null)?.Mix;

    // The consumer's slot stays (Unified Plan never removes m-sections) and goes inactive.
    public bool RemoveConsumer(Consumer consumer)
    {
        var slot = _slots.FirstOrDefault(s => s.Consumer == consumer);
        if (slot is null)
            return false;
        consumer.IsClosed = true;
        slot.Consumer = null;
        return true;
    }

    // The subscriber left: every consumer detaches from its producer.
    public void Close()
    {
        foreach (var slot in _slots)
        {
            if (slot.Consumer is { } consumer)
            {
                consumer.IsClosed = true;
                consumer.Producer.RemoveConsumer(consumer);
                slot.Consumer = null;
            }
        }
    }

    // The meeting's selection applied to this subscriber: consumers outside it send nothing. Returns
    // how many changed state.
    public int Apply(ConferenceSelection selection, MediaSender sender)
    {
        var changed = 0;
        var grid = GridVideos(selection, Cameras());
        foreach (var slot in _slots)
        {
            if (slot.Consumer is { } consumer && consumer.SetPaused(!Forwards(selection, slot, consumer, grid), sender))
                changed++;
        }
        return changed;
    }

    // Per track: the cameras this subscriber has a consumer of (and one being added).
    private List<Producer> Cameras(Producer? adding = null)
    {
        var cameras = Consumers.Select(c => c.Producer).Where(p => p.Kind == MediaKind.Video && !p.IsScreen && !p.IsClosed).ToList();
        if (adding is { Kind: MediaKind.Video, IsScreen: false } && !cameras.Contains(adding))
            cameras.Add(adding);
        return cameras;
    }

    // A video whose tile the client hides is never forwarded (issue 11); a bounded slot forwards whom it
    // was assigned.
    private bool Forwards(ConferenceSelection selection, SubscriberSlot slot, Consumer consumer, List<Producer> grid) =>
        !IsHidden(slot) && (slot.Bounded || Forwards(selection, consumer, grid));

    // A screen share is always forwarded (SPEC: shown large to every subscriber), outside last-N; a
    // camera when it is in this subscriber's grid (pinned or selected).
    private static bool Forwards(ConferenceSelection selection, Consumer consumer, List<Producer> grid) =>
        consumer.Producer.IsScreen
        || (consumer.Producer.Kind == MediaKind.Video
            ? grid.Contains(consumer.Producer)
            : selection.ForwardsAudio(consumer.Producer.ParticipantId));

    // The packet path (RTCP feedback): slots only grow, so a snapshot read may miss the newest one,
    // which only delays that consumer's keyframe request to the next PLI.
    public Consumer? FindConsumer(uint ssrc)
    {
        var slots = Volatile.Read(ref _slotSnapshot);
        for (var i = 0; i < slots.Length; i++)
        {
            var consumer = slots[i].Consumer;
            if (consumer is not null && consumer.Ssrc == ssrc)
                return consumer;
        }
        return null;
    }

    // The subscriber transport connected: consumers created before need a keyframe now.
    public void RequestKeyFrames(MediaSender sender)
    {
        foreach (var consumer in Consumers)
            consumer.RequestKeyFrame(sender);
    }

    // RFC 3550 §6.4.1: the SR maps our (rewritten) RTP clock to wall-clock time for lip sync.
    public void SendSenderReports(MediaSender sender)
    {
        Span<byte> buffer = stackalloc byte[64];
        foreach (var consumer in Consumers)
        {
            if (consumer.PacketsSent == 0)
                continue;
            var now = Stopwatch.GetTimestamp();
            var elapsed = (now - consumer.LastSendTimestamp) * consumer.ClockRate / Stopwatch.Frequency;
            var rtpTimestamp = consumer.LastTimestampOut + (uint)elapsed;
            var report = new RtcpSenderReport(consumer.Ssrc, NtpClock.Now(), rtpTimestamp, (uint)consumer.PacketsSent,
                (uint)consumer.OctetsSent, []);
            if (report.TryWrite(buffer, out var written))
                consumer.Transport.SendRtcp(buffer[..written], sender);
        }
    }
}
