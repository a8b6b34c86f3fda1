using System.Globalization;
using Meet.Modules.Media;
using Meet.Modules.Media.Internal;
using Meet.Modules.Media.Protocols.Ice;
using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Protocols.Sdp;
using Microsoft.Extensions.Time.Testing;

namespace Meet.Tests.Media.Internal;

// The SFU's control plane without sockets or a timer: participants join, publish, unpublish and leave
// through the same calls signaling makes, time moves by hand and the periodic tick runs when told.
internal sealed class InMemorySfu : IAsyncDisposable
{
    public const string MeetingId = "mtg-churn";

    private readonly Dictionary<string, ulong> _publisherVersions = [];
    private readonly Dictionary<string, IceCredentials> _publisherIce = [];
    private readonly Dictionary<string, string> _publisherSessions = [];

    public const int AudioLevelExtensionId = 2;

    // dynacastPauseDelay: Media:DynacastPauseDelay (null = the default).
    public InMemorySfu(TimeSpan answerTimeout, int lastN = 12, bool boundedSlots = false, AudioMode audioMode = AudioMode.Forward,
        TimeSpan? dynacastPauseDelay = null)
    {
        Module = new MediaModule("127.0.0.1", Time, answerTimeout, lastN, boundedSlots, audioMode: audioMode)
        {
            DynacastPauseDelay = dynacastPauseDelay ?? new MediaOptions().DynacastPauseDelay,
        };
        Module.Sender.Channel = new MediaPacketReceiverTests.CapturingChannel();
    }

    public FakeTimeProvider Time { get; } = new();

    public MediaModule Module { get; }

    public Dictionary<string, SimulatedSubscriber> Participants { get; } = new(StringComparer.Ordinal);

    public SimulatedSubscriber Join(string id)
    {
        var participant = new SimulatedSubscriber(id, Module.Certificate.Fingerprint);
        Participants.Add(id, participant);
        participant.Media = Module.AddParticipant(new MediaParticipantRequest(MeetingId, id, id), participant);
        return participant;
    }

    // Camera and microphone; videoSending=false re-offers the camera section inactive (unpublish).
    public void Publish(string id, bool videoSending = true, bool screen = false)
    {
        var result = TryPublish(id, videoSending, screen);
        result.Succeeded.Should().BeTrue(result.ErrorMessage);
    }

    // The camera as the web client publishes it (issue 11): three simulcast encodings, rids q/h/f
    // (RFC 8853), low to high.
    public void PublishSimulcast(string id)
    {
        var version = _publisherVersions[id] = _publisherVersions.GetValueOrDefault(id) + 1;
        var offer = PublisherOffer(id, version, videoSending: true);
        var video = offer.IndexOf("m=video", StringComparison.Ordinal);
        var ssrcLine = offer.IndexOf("a=ssrc:", video, StringComparison.Ordinal);
        var ssrcEnd = offer.IndexOf("\r\n", ssrcLine, StringComparison.Ordinal) + 2;
        offer = offer[..ssrcLine] + "a=rid:q send\r\na=rid:h send\r\na=rid:f send\r\na=simulcast:send q;h;f\r\n" + offer[ssrcEnd..];
        var result = Participants[id].Media.AnswerPublisherOffer(offer);
        result.Succeeded.Should().BeTrue(result.ErrorMessage);
    }

    // screen: a third m-section, a screen share (a=content:slides, as the web client marks it).
    public Meet.Modules.Media.SdpNegotiationResult TryPublish(string id, bool videoSending = true, bool screen = false)
    {
        var version = _publisherVersions[id] = _publisherVersions.GetValueOrDefault(id) + 1;
        return Participants[id].Media.AnswerPublisherOffer(PublisherOffer(id, version, videoSending, screen));
    }

    public string PublisherOffer(string id, ulong version, bool videoSending, bool screen = false)
    {
        if (!_publisherIce.TryGetValue(id, out var ice))
            _publisherIce[id] = ice = IceCredentials.Generate();
        if (!_publisherSessions.TryGetValue(id, out var sessionId))
            _publisherSessions[id] = sessionId = SdpBuilder.NewSessionId();
        var session = SdpBuilder.CreateSession(sessionId, version, iceLite: false);
        var transport = new SdpTransportParameters(ice.Ufrag, ice.Password, Module.Certificate.Fingerprint, SdpSetupRole.ActPass);
        string[] kinds = ["audio", "video"];
        for (var i = 0; i < kinds.Length; i++)
        {
            var audio = kinds[i] == "audio";
            var ssrc = (uint)(id.GetHashCode() & 0x7fff_0000) + (uint)i + 1;
            var section = new SdpMediaDescription
            {
                Media = kinds[i],
                Protocol = "UDP/TLS/RTP/SAVPF",
                Mid = i.ToString(CultureInfo.InvariantCulture),
                Formats = [audio ? "111" : "96"],
                Direction = audio || videoSending ? SdpDirection.SendOnly : SdpDirection.Inactive,
                Msids = [new SdpMsid(id, audio ? "mic" : "cam")],
                RtpMaps = [audio ? new SdpRtpMap(111, "opus", 48000, 2) : new SdpRtpMap(96, "VP8", 90000)],
                Extmaps = audio
                    ? [new SdpExtmap(1, SdpAnswerOptions.MidUri), new SdpExtmap(AudioLevelExtensionId, SdpAnswerOptions.AudioLevelUri)]
                    : [new SdpExtmap(1, SdpAnswerOptions.MidUri)],
                Ssrcs = [new SdpSsrc(ssrc, "cname", id)],
            };
            SdpBuilder.ApplyTransport(section, transport);
            session.MediaDescriptions.Add(section);
        }
        if (screen)
        {
            var section = new SdpMediaDescription
            {
                Media = "video",
                Protocol = "UDP/TLS/RTP/SAVPF",
                Mid = "2",
                Formats = ["96"],
                Direction = SdpDirection.SendOnly,
                Msids = [new SdpMsid(id, "screen")],
                RtpMaps = [new SdpRtpMap(96, "VP8", 90000)],
                Extmaps = [new SdpExtmap(1, SdpAnswerOptions.MidUri)],
                Ssrcs = [new SdpSsrc((uint)(id.GetHashCode() & 0x7fff_0000) + 3, "cname", id)],
                Attributes = [new SdpAttribute("content", "slides")],
            };
            SdpBuilder.ApplyTransport(section, transport);
            session.MediaDescriptions.Add(section);
        }
        SdpBuilder.SetBundle(session);
        return session.ToString();
    }

    public async Task LeaveAsync(string id)
    {
        await Participants[id].Media.DisposeAsync();
        Participants.Remove(id);
        _publisherVersions.Remove(id);
    }

    // One 20 ms Opus packet from the publisher's microphone with the RFC 6464 level (-dBov: 20 is speech,
    // 127 silence), straight into its producer.
    public void SendAudio(string publisherId, byte level, ushort sequence)
    {
        var producer = Participants[publisherId].Server.Producers.Single(p => p.Kind == Meet.Modules.Media.Routing.MediaKind.Audio);
        var buffer = new byte[200];
        var writer = new RtpPacketWriter(buffer, 111, sequence, sequence * 960u, 0x1111, marker: false);
        writer.AddExtension(AudioLevelExtensionId, [level]);
        writer.TryComplete(new byte[40], 0, out var length).Should().BeTrue();
        RtpHeader.TryParse(buffer.AsSpan(0, length), out var header).Should().BeTrue();
        producer.OnRtp(buffer.AsSpan(0, length), header, 0, Module.Sender);
    }

    // What MediaModule's 100 ms timer does for the meeting's selection (active speaker, last-N, top-3).
    public void SelectionTick()
    {
        var router = Participants.Values.First().Server.Router;
        using (router.Enter())
            router.Tick(MediaModule.TickInterval, reports: false);
    }

    // What MediaModule's 100 ms timer does for negotiation: timeouts and retries whose backoff ended.
    public void Tick()
    {
        foreach (var participant in Participants.Values)
            participant.Server.OnTick(reports: false);
    }

    public ValueTask DisposeAsync() => Module.DisposeAsync();
}
