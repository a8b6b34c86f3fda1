using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using Meet.Modules.Client;
using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Tests.Client.Conference;

// What a .NET subscriber received, per publisher and kind: packet counts, and every "resume" — the first
// packet after a gap longer than ResumeGap (or ever) — with whether that packet starts a VP8 keyframe.
// A bounded slot keeps its SSRC while the server remaps it to another publisher, so a remap is a resume
// of the new publisher. Packets are attributed by the sender's payload tag (TalkingBot) when known —
// the slot assignment travels over signaling and may arrive a moment before or after the first packets
// it describes — else by the slot assignments at arrival (MeetClient.RemoteTrackOf).
internal sealed class ReceivedStreams
{
    private static readonly long ResumeGap = Stopwatch.Frequency * 3 / 10;

    private readonly ConcurrentDictionary<(string Publisher, string Kind), StreamState> _streams = new();
    private readonly ConcurrentDictionary<uint, (string Publisher, string Kind)> _tags = new();

    // Packets whose payload ends with `tag` come from `publisher`'s `kind` track.
    public void Tag(uint tag, string publisher, string kind) => _tags[tag] = (publisher, kind);
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

    // Packets per publishing participant and kind.
    public Dictionary<(string Publisher, string Kind), long> PacketsByPublisher() =>
        _streams.ToDictionary(s => s.Key, s => Interlocked.Read(ref s.Value.Packets));

    // The publishers whose `kind` packets arrived during `window`.
    public async Task<IReadOnlySet<string>> PublishersDuringAsync(string kind, TimeSpan window)
    {
        var before = PacketsByPublisher();
        await Task.Delay(window);
        return PacketsByPublisher().Where(p => p.Key.Kind == kind && p.Value > before.GetValueOrDefault(p.Key)).Select(p => p.Key.Publisher).ToHashSet();
    }

    public Resume? FirstResumeAfter(string publisher, string kind, long timestamp)
    {
        if (!_streams.TryGetValue((publisher, kind), out var stream))
            return null;
        lock (stream)
            return stream.Resumes.Where(r => r.Timestamp >= timestamp).Select(r => (Resume?)r).FirstOrDefault();
    }

    private void OnRtp(ReadOnlySpan<byte> packet)
    {
        if (!RtpHeader.TryParse(packet, out var header))
            return;
        var now = Stopwatch.GetTimestamp();
        var payloadEnd = header.HeaderLength + header.PayloadLength;
        (string Publisher, string Kind) key;
        if (header.PayloadLength >= 4 && _tags.TryGetValue(BinaryPrimitives.ReadUInt32BigEndian(packet[(payloadEnd - 4)..payloadEnd]), out var tagged))
            key = tagged;
        else if (_client.RemoteTrackOf(header.Ssrc) is { } track)
            key = (track.StreamId, track.Kind);
        else
            return;
        var stream = _streams.GetOrAdd(key, _ => new StreamState());
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
