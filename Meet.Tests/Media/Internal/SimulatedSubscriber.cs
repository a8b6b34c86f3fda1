using System.Collections.Concurrent;
using Meet.Modules.Media;
using Meet.Modules.Media.Internal;
using Meet.Modules.Media.Protocols.Dtls;
using Meet.Modules.Media.Protocols.Ice;
using Meet.Modules.Media.Protocols.Sdp;

namespace Meet.Tests.Media.Internal;

// A participant of the in-memory SFU whose subscriber side is driven by hand: offers queue up as they
// arrive, the test decides whether each is answered correctly, wrongly, late or never. The answers are
// real SDP (what a browser's answerer would write), checked by the server like any other.
internal sealed class SimulatedSubscriber(string id, DtlsFingerprint fingerprint) : IMediaParticipantListener
{
    private static readonly SdpAnswerOptions AnswerOptions = new() { IceLite = false, AcceptDataChannel = false, AcceptSimulcast = false };

    private static readonly SdpAnswerOptions AnswerOptionsWithoutRed = new() { IceLite = false, AcceptDataChannel = false, AcceptSimulcast = false, AcceptRed = false };

    // A browser answers `audio/red` when offered (Chromium); false answers Opus alone.
    public bool AcceptsRed { get; set; } = true;

    private readonly IceCredentials _ice = IceCredentials.Generate();
    private readonly ConcurrentQueue<(string Sdp, ulong Version)> _offers = new();
    private readonly Dictionary<ulong, string> _answered = [];

    public string Id { get; } = id;

    public IMediaParticipant Media { get; set; } = null!;

    public MediaParticipant Server => (MediaParticipant)Media;

    public int PendingOffers => _offers.Count;

    public bool HasOffer => !_offers.IsEmpty;

    public ulong NextOfferVersion => _offers.TryPeek(out var offer) ? offer.Version : 0;

    public void OnSubscriberOffer(string offerSdp, ulong version)
    {
        OffersReceived++;
        _offers.Enqueue((offerSdp, version));
    }

    public void OnConnectionStateChanged(MediaConnectionState state)
    {
    }

    // The last slot assignments announced (bounded slots) and how many were announced.
    public IReadOnlyList<MediaSlotAssignment> SlotAssignments { get; private set; } = [];

    public int SlotAnnouncements { get; private set; }

    public void OnSlotAssignments(IReadOnlyList<MediaSlotAssignment> slots)
    {
        SlotAssignments = slots;
        SlotAnnouncements++;
    }

    // Dynacast (issue 11): every PublisherLayers announcement, in order.
    public List<(string Mid, IReadOnlyList<PublisherLayerState> Layers)> PublisherLayers { get; } = [];

    public void OnPublisherLayers(string mid, IReadOnlyList<PublisherLayerState> layers) => PublisherLayers.Add((mid, layers));

    public int OffersReceived { get; private set; }

    public bool TryTakeOffer(out (string Sdp, ulong Version) offer) => _offers.TryDequeue(out offer);

    public string Answer(string offerSdp)
    {
        SessionDescription.TryParse(offerSdp, out var offer, out _).Should().BeTrue();
        var transport = new SdpTransportParameters(_ice.Ufrag, _ice.Password, fingerprint, SdpSetupRole.Active);
        return SdpBuilder.CreateAnswer(offer!, transport, AcceptsRed ? AnswerOptions : AnswerOptionsWithoutRed, "4242", 2).ToString();
    }

    // Answers the next offer as a browser would, naming its version; remembers it for the final check.
    public SdpNegotiationResult AnswerNext(bool echoVersion = true)
    {
        TryTakeOffer(out var offer).Should().BeTrue();
        var result = Media.ApplySubscriberAnswer(Answer(offer.Sdp), echoVersion ? offer.Version : 0);
        _answered[offer.Version] = offer.Sdp;
        return result;
    }

    // The offer the client and the server both consider in force: the last one whose answer was accepted.
    public SessionDescription? AgreedOffer()
    {
        var version = Server.Negotiation.LastAcceptedVersion;
        if (version == 0)
            return null;
        SessionDescription.TryParse(_answered[version], out var offer, out _).Should().BeTrue();
        return offer;
    }

    // "publisher-id/track-id" of every sendonly section of the agreed offer.
    public IReadOnlyList<string> ReceivedTracks() =>
        AgreedOffer()?.MediaDescriptions
            .Where(m => m.Direction == SdpDirection.SendOnly)
            .Select(m => m.Msids.Single().StreamId + "/" + m.Msids.Single().TrackId)
            .OrderBy(t => t, StringComparer.Ordinal)
            .ToArray() ?? [];
}
