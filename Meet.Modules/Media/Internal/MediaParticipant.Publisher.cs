using Meet.Modules.Media.Protocols.Dtls;
using Meet.Modules.Media.Protocols.Ice;
using Meet.Modules.Media.Protocols.Sdp;
using Meet.Modules.Media.Routing;
using Meet.Modules.Media.Transport;

namespace Meet.Modules.Media.Internal;

internal sealed partial class MediaParticipant
{
    private static readonly SdpAnswerOptions PublisherAnswerOptions = new() { AcceptDataChannel = false };

    private readonly string _publisherSessionId = SdpBuilder.NewSessionId();
    private ulong _publisherVersion;
    private SdpOrigin? _lastPublisherOffer;
    private int _audioLevelExtensionId;
    // Written under the router's lock after each offer; read by signaling from its own thread.
    private volatile bool _screenSharing;

    public bool IsScreenSharing => _screenSharing;

    public SdpNegotiationResult AnswerPublisherOffer(string offerSdp)
    {
        if (string.IsNullOrEmpty(offerSdp))
            return SdpNegotiationResult.Failure(400, "The offer is empty.");
        if (!SessionDescription.TryParse(offerSdp, out var offer, out var parseError))
            return SdpNegotiationResult.Failure(400, $"Malformed SDP offer: {parseError}");
        if (!TryReadRemoteTransport(offer, out var remote, out var message))
            return SdpNegotiationResult.Failure(400, message);

        // The offerer says actpass (RFC 8842 §5.2); we answer passive and are the DTLS server. An
        // offerer insisting on passive makes us the client.
        var localSetup = remote.Setup == SdpSetupRole.Passive ? SdpSetupRole.Active : SdpSetupRole.Passive;
        List<SdpRefusedSection> refused = [];
        string answerText;
        // Leaving the scope sends the keyframe requests for new consumers and the offers they need.
        using (Router.Enter())
        {
            if (_closed)
                return SdpNegotiationResult.Failure(410, "The participant has left.");
            // RFC 3264 §8: a later offer of the same session never has a lower o= version, so a lower
            // one was overtaken on the way (the client's negotiation must be serial) and is refused.
            if (_lastPublisherOffer is { } last && last.SessionId == offer.Origin.SessionId && offer.Origin.SessionVersion < last.SessionVersion)
                return SdpNegotiationResult.Failure(409, $"Stale publisher offer: version {offer.Origin.SessionVersion} after {last.SessionVersion}.");
            if (ScreenShareRefusal(offer) is { } refusal)
                return refusal;
            _lastPublisherOffer = offer.Origin;
            if (_publisherVersion == 0)
                Publisher.SetRemoteParameters(remote.Ice, remote.Fingerprints, SdpBuilder.ToDtlsRole(localSetup));
            else if (!Publisher.RemoteIceMatches(remote.Ice.Ufrag, remote.Ice.Password))
            {
                Publisher.RestartIce(remote.Ice);
                LogQuality(Storage.ParticipantQualityLog.IceRestart);
            }

            SessionDescription answer;
            try
            {
                answer = SdpBuilder.CreateAnswer(offer, TransportParameters(Publisher, localSetup), PublisherAnswerOptions,
                    _publisherSessionId, ++_publisherVersion, refused);
            }
            catch (ArgumentException e)
            {
                return SdpNegotiationResult.Failure(400, "Unsupported SDP offer: " + e.Message);
            }

            for (var i = 0; i < answer.MediaDescriptions.Count; i++)
            {
                var section = answer.MediaDescriptions[i];
                if (section.IsRejected || section.Media is not ("audio" or "video"))
                    continue;
                // The SFU only receives on this PeerConnection.
                section.Direction = IsSending(offer.MediaDescriptions[i]) ? SdpDirection.RecvOnly : SdpDirection.Inactive;
                if (section.Media == "audio")
                    OpusFmtp.RequestFecAndDtx(section);
            }
            SyncProducersLocked(offer, answer);
            _screenSharing = Member.Publishing.Producers.Any(p => p.IsScreen && !p.IsClosed);
            Router.Reselect();
            answerText = answer.ToString();
        }
        return SdpNegotiationResult.Success(answerText, refused.Count == 0 ? null : "Refused " + string.Join("; ", refused));
    }

    // RFC 4796 a=content:slides marks a screen share: the web client adds it to the section it shares.
    private static bool IsScreenContent(SdpMediaDescription offered) =>
        offered.Media == "video" && offered.Attributes.Any(a => a.Name == "content" && a.Value == "slides");

    // One share at a time per meeting unless Media:MaxScreenShares allows more: a new screen section
    // while others share is refused (409) before anything changes, so the client can roll back.
    private SdpNegotiationResult? ScreenShareRefusal(SessionDescription offer)
    {
        var newShares = offer.MediaDescriptions.Count(m => !m.IsRejected && m.Mid is not null && IsScreenContent(m) && IsSending(m)
            && !Member.Publishing.HasProducer(m.Mid));
        if (newShares == 0)
            return null;
        var sharing = Router.Members.Sum(member => member.Publishing.Producers.Count(p => p.IsScreen && !p.IsClosed));
        if (sharing + newShares <= Router.MaxScreenShares)
            return null;
        return SdpNegotiationResult.Failure(409, $"screen_share_limit: {sharing} screen share(s) already in this meeting (at most {Router.MaxScreenShares} at once).");
    }

    private static bool IsSending(SdpMediaDescription offered) =>
        offered.Direction is null or SdpDirection.SendRecv or SdpDirection.SendOnly;

    private SdpTransportParameters TransportParameters(WebRtcTransport transport, SdpSetupRole setup)
    {
        var ice = transport.LocalIce;
        var port = (ushort)_module.Port;
        var candidate = new SdpCandidate
        {
            Foundation = "1",
            Component = 1,
            Transport = "UDP",
            Priority = IceCandidate.ComputePriority(IceCandidateType.Host, 65535, 1),
            Address = _module.PublicIp,
            Port = port,
            Type = SdpCandidateType.Host,
        };
        if (_module.TcpPort == 0)
            return new SdpTransportParameters(ice.Ufrag, ice.Password, transport.LocalFingerprint, setup) { Candidates = [candidate] };
        // RFC 6544 §4.5: a passive TCP candidate on the same port number; its lower local
        // preference keeps UDP first whenever UDP works.
        var tcp = candidate with
        {
            Foundation = "2",
            Transport = "TCP",
            Priority = IceCandidate.ComputePriority(IceCandidateType.Host, 16383, 1),
            Port = (ushort)_module.TcpPort,
            TcpType = "passive",
        };
        return new SdpTransportParameters(ice.Ufrag, ice.Password, transport.LocalFingerprint, setup) { Candidates = [candidate, tcp] };
    }

    private readonly record struct RemoteTransport(IceCredentials Ice, IReadOnlyList<DtlsFingerprint> Fingerprints, SdpSetupRole? Setup);

    // BUNDLE puts one transport under every m-section; read it from the first that carries it, falling
    // back to session-level attributes (RFC 8839 §5.4, RFC 8122 §5).
    private static bool TryReadRemoteTransport(SessionDescription sdp, out RemoteTransport remote, out string message)
    {
        remote = default;
        var section = sdp.MediaDescriptions.FirstOrDefault(m => !m.IsRejected);
        if (section is null)
        {
            message = "The description has no active m-section.";
            return false;
        }
        var ufrag = section.IceUfrag ?? sdp.IceUfrag;
        var password = section.IcePwd ?? sdp.IcePwd;
        if (!IceCredentials.IsValidUfrag(ufrag) || !IceCredentials.IsValidPassword(password))
        {
            message = "Missing or invalid a=ice-ufrag / a=ice-pwd.";
            return false;
        }
        var fingerprints = new List<DtlsFingerprint>();
        foreach (var fingerprint in section.Fingerprints.Count > 0 ? section.Fingerprints : sdp.Fingerprints)
        {
            if (fingerprint.TryToDtls(out var parsed))
                fingerprints.Add(parsed);
        }
        if (fingerprints.Count == 0)
        {
            message = "Missing or unsupported a=fingerprint.";
            return false;
        }
        remote = new RemoteTransport(new IceCredentials(ufrag!, password!), fingerprints, section.Setup ?? sdp.Setup);
        message = "";
        return true;
    }

    // Producers follow the offer's sending m-sections: new mids become producers (the router gives
    // every other member a consumer), sections that stop sending (or are rejected) close theirs.
    private void SyncProducersLocked(SessionDescription offer, SessionDescription answer)
    {
        var publishing = Member.Publishing;
        foreach (var extmap in answer.MediaDescriptions.SelectMany(m => m.Extmaps))
        {
            if (extmap.Uri == SdpAnswerOptions.MidUri)
                publishing.MidExtensionId = extmap.Id;
            else if (extmap.Uri == SdpAnswerOptions.RidUri)
                publishing.RidExtensionId = extmap.Id;
            else if (extmap.Uri == SdpAnswerOptions.RepairedRidUri)
                publishing.RepairedRidExtensionId = extmap.Id;
            else if (extmap.Uri == SdpAnswerOptions.AudioLevelUri)
                _audioLevelExtensionId = extmap.Id;
        }
        ConfigurePublisherFeedback(answer);

        var live = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < offer.MediaDescriptions.Count; i++)
        {
            var offered = offer.MediaDescriptions[i];
            var answered = answer.MediaDescriptions[i];
            if (answered.IsRejected || offered.Mid is null || offered.Media is not ("audio" or "video") || !IsSending(offered))
                continue;
            live.Add(offered.Mid);
            if (publishing.HasProducer(offered.Mid))
                continue;
            var producer = CreateProducer(offered, answered);
            if (producer.Kind == MediaKind.Audio)
                producer.AudioLevelExtensionId = _audioLevelExtensionId;
            producer.TransportCcExtensionId = Member.Publishing.Feedback.TransportCcExtensionId;
            Router.AddProducer(Member, producer);
            RegisterSdpSsrcs(offered, producer);
        }

        foreach (var producer in publishing.Producers.Where(p => !live.Contains(p.Mid)).ToList())
            Router.CloseProducer(Member, producer);
    }

    private Producer CreateProducer(SdpMediaDescription offered, SdpMediaDescription answered)
    {
        var codecs = answered.RtpMaps
            .Where(r => !r.EncodingName.Equals("rtx", StringComparison.OrdinalIgnoreCase))
            .Select(r => new RtpCodec(r.PayloadType, r.EncodingName, r.ClockRate, r.Channels, answered.FindFmtp(r.PayloadType)?.Parameters,
                answered.RtpMaps.FirstOrDefault(x => x.EncodingName.Equals("rtx", StringComparison.OrdinalIgnoreCase)
                    && answered.FindFmtp(x.PayloadType)?.AssociatedPayloadType == r.PayloadType)?.PayloadType))
            // The answer lists RED first (so Chromium sends it); the codec a track is known by is what RED carries.
            .OrderBy(c => c.Name.Equals("red", StringComparison.OrdinalIgnoreCase) ? 1 : 0)
            .ToList();
        var rids = offered.Simulcast is { Send.Count: > 0 }
            ? offered.Rids.Where(r => r.Direction == SdpRidDirection.Send).Select(r => r.Id).ToList()
            : [];
        var id = _module.NextId("producer-");
        var trackId = offered.Msids.FirstOrDefault()?.TrackId ?? id;
        var kind = offered.Media == "audio" ? MediaKind.Audio : MediaKind.Video;
        return new Producer(id, ParticipantId, Publisher, kind, offered.Mid!, trackId, codecs, rids, _module.Counters)
        {
            IsScreen = IsScreenContent(offered),
        };
    }

    // Without simulcast Chrome announces its SSRCs (a=ssrc, a=ssrc-group:FID primary rtx).
    private void RegisterSdpSsrcs(SdpMediaDescription offered, Producer producer)
    {
        var rtx = offered.SsrcGroups.Where(g => g.Semantics == "FID" && g.Ssrcs.Count == 2).Select(g => g.Ssrcs[1]).ToHashSet();
        var primary = offered.Ssrcs.Select(s => s.Ssrc).Where(s => !rtx.Contains(s)).Distinct().ToList();
        if (producer.Layers.Length == 1 && primary.Count >= 1)
            Member.Publishing.AddSsrc(new SsrcEntry(primary[0], producer, 0));
        foreach (var ssrc in rtx)
            Member.Publishing.AddSsrc(new SsrcEntry(ssrc, producer, -1, producer.Layers.Length == 1 ? 0 : -1));
    }
}
