using System.Collections.Concurrent;
using System.Diagnostics;
using Meet.Modules.Client;
using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Tests.Client.Conference;

// What a .NET subscriber received, per SSRC: packet counts, and every "resume" — the first packet after
// a gap longer than ResumeGap (or ever) — with whether that packet starts a VP8 keyframe.
internal sealed class ReceivedStreams
{
    private static readonly long ResumeGap = Stopwatch.Frequency * 3 / 10;

    private readonly ConcurrentDictionary<uint, StreamState> _streams = new();
    private readonly MeetClient _client;

    public ReceivedStreams(MeetClient client)
    {
        _client = client;
        client.SubscriberRtpReceived += OnRtp;
        client.ActiveSpeakerChanged += speaker =>
        {
            lock (_announcements)
                _announcements.Add((Stopwatch.GetTimestamp(), speaker.ParticipantId));
        };
    }

    private readonly List<(long Timestamp, string? Speaker)> _announcements = [];

    // When the signaling announcement naming `speaker` first arrived after `timestamp`, if it did.
    public long? SpeakerAnnouncedAfter(string speaker, long timestamp)
    {
        lock (_announcements)
            return _announcements.Where(a => a.Timestamp >= timestamp && a.Speaker == speaker).Select(a => (long?)a.Timestamp).FirstOrDefault();
    }

    public readonly record struct Resume(long Timestamp, bool KeyFrame);

    private sealed class StreamState
    {
        public long Packets;
        public long LastTimestamp;
        public readonly List<Resume> Resumes = [];
    }

    public string Id => _client.ParticipantId!;

    // Packets per publishing participant and kind, mapped through the subscriber's SDP (stream id =
    // publisher, contract 1).
    public Dictionary<(string Publisher, string Kind), long> PacketsByPublisher()
    {
        var tracks = _client.Subscriber?.RemoteTracks ?? [];
        var result = new Dictionary<(string, string), long>();
        foreach (var (ssrc, stream) in _streams)
        {
            var track = tracks.FirstOrDefault(t => t.Ssrc == ssrc);
            if (track is null)
                continue;
            var key = (track.StreamId, track.Kind);
            result[key] = result.GetValueOrDefault(key) + Interlocked.Read(ref stream.Packets);
        }
        return result;
    }

    // The publishers whose `kind` packets arrived during `window`.
    public async Task<IReadOnlySet<string>> PublishersDuringAsync(string kind, TimeSpan window)
    {
        var before = PacketsByPublisher();
        await Task.Delay(window);
        return PacketsByPublisher().Where(p => p.Key.Kind == kind && p.Value > before.GetValueOrDefault(p.Key)).Select(p => p.Key.Publisher).ToHashSet();
    }

    public uint? SsrcOf(string publisher, string kind) =>
        _client.Subscriber?.RemoteTracks.FirstOrDefault(t => t.StreamId == publisher && t.Kind == kind)?.Ssrc;

    public Resume? FirstResumeAfter(uint ssrc, long timestamp)
    {
        if (!_streams.TryGetValue(ssrc, out var stream))
            return null;
        lock (stream)
            return stream.Resumes.Where(r => r.Timestamp >= timestamp).Select(r => (Resume?)r).FirstOrDefault();
    }

    private void OnRtp(ReadOnlySpan<byte> packet)
    {
        if (!RtpHeader.TryParse(packet, out var header))
            return;
        var now = Stopwatch.GetTimestamp();
        var stream = _streams.GetOrAdd(header.Ssrc, _ => new StreamState());
        lock (stream)
        {
            if (stream.LastTimestamp == 0 || now - stream.LastTimestamp > ResumeGap)
            {
                var payload = packet.Slice(header.HeaderLength, header.PayloadLength);
                var keyFrame = Vp8PayloadDescriptor.TryParse(payload, out var vp8) && vp8.StartsFrame && vp8.IsKeyFrame;
                stream.Resumes.Add(new Resume(now, keyFrame));
            }
            stream.LastTimestamp = now;
            stream.Packets++;
        }
    }
}
