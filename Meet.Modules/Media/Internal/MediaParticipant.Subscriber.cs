using Meet.Modules.Media.Bandwidth;
using System.Globalization;
using Meet.Modules.Media.Protocols.Sdp;
using Meet.Modules.Media.Routing;

namespace Meet.Modules.Media.Internal;

internal sealed partial class MediaParticipant
{
    private readonly string _subscriberSessionId = SdpBuilder.NewSessionId();
    private bool _subscriberNegotiated;
    // Network handover: the next subscriber offer carries new ICE credentials (asked for, not yet offered).
    private bool _subscriberIceRestartRequested;
    // A restart was offered and no accepted answer has brought the client's new credentials yet.
    private bool _subscriberIceRestartOffered;

    public SubscriberNegotiation Negotiation { get; }

    // Sends the next subscriber offer if something changed and no offer is waiting for its answer
    // (JSEP allows one outstanding offer; later changes are folded into the next one).
    public void DeliverSubscriberOffer()
    {
        (string Sdp, ulong Version)? offer;
        using (Router.Enter())
            offer = TryCreateSubscriberOfferLocked();
        if (offer is { } o)
            _listener.OnSubscriberOffer(o.Sdp, o.Version);
    }

    // Network handover (seed scenario 3) on the PeerConnection the SFU offers: the client cannot restart
    // ICE as answerer (JSEP), so it asks and the next offer carries new credentials. Media keeps going to
    // the old path until the client nominates a pair of the new generation; DTLS and SRTP stay.
    public SdpNegotiationResult RestartSubscriberIce()
    {
        using (Router.Enter())
        {
            if (_closed)
                return SdpNegotiationResult.Failure(410, "The participant has left.");
            // Before the first answer there is nothing to restart: the first negotiation sets up ICE anyway.
            if (!_subscriberNegotiated)
                return SdpNegotiationResult.Success(null);
            _subscriberIceRestartRequested = true;
            Negotiation.MarkChanged();
        }
        DeliverSubscriberOffer();
        return SdpNegotiationResult.Success(null);
    }

    // The tick: an unanswered offer past the timeout is offered again, as is a retry whose backoff ended.
    private void CheckNegotiation()
    {
        bool due;
        using (Router.Enter())
        {
            if (_closed)
                return;
            if (Negotiation.CheckTimeout())
                _module.NegotiationCounters.OnTimeout();
            due = Negotiation.ShouldOffer;
        }
        if (due)
            DeliverSubscriberOffer();
    }

    private (string Sdp, ulong Version)? TryCreateSubscriberOfferLocked()
    {
        var slots = Member.Subscribing.Slots;
        if (_closed || !Negotiation.ShouldOffer || slots.Count == 0)
            return null;
        if (_subscriberIceRestartRequested)
        {
            // Offers retried after a refusal or timeout keep these credentials until an answer brings the client's.
            Subscriber.RestartIce(null);
            _subscriberIceRestartRequested = false;
            _subscriberIceRestartOffered = true;
        }
        var version = Negotiation.NextVersion;
        var sections = slots.Select(s => new SubscriberOfferSnapshot.Section(s, s.Consumer)).ToArray();
        var sdp = BuildSubscriberOffer(version, sections).ToString();
        Negotiation.OfferSent(new SubscriberOfferSnapshot(version, sections));
        _module.NegotiationCounters.OnOffer();
        return (sdp, version);
    }

    private SessionDescription BuildSubscriberOffer(ulong version, IReadOnlyList<SubscriberOfferSnapshot.Section> sections)
    {
        var session = SdpBuilder.CreateSession(_subscriberSessionId, version, iceLite: true);
        var transport = TransportParameters(Subscriber, SdpSetupRole.ActPass);
        foreach (var (slot, consumer) in sections)
        {
            var section = new SdpMediaDescription
            {
                Media = slot.Kind == MediaKind.Audio ? "audio" : "video",
                Protocol = "UDP/TLS/RTP/SAVPF",
                Mid = slot.Mid,
                Formats = slot.Codecs.Select(c => c.PayloadType.ToString(CultureInfo.InvariantCulture)).ToList(),
                RtpMaps = slot.Codecs.Select(c => new SdpRtpMap(c.PayloadType, c.Name, c.ClockRate, c.Channels)).ToList(),
                Fmtps = slot.Codecs.Where(c => c.Parameters is not null).Select(c => new SdpFmtp(c.PayloadType, c.Parameters!)).ToList(),
                RtcpRsize = true,
            };
            foreach (var codec in slot.Codecs.Where(c => c.RtxPayloadType is not null))
            {
                section.Formats.Add(codec.RtxPayloadType!.Value.ToString(CultureInfo.InvariantCulture));
                section.RtpMaps.Add(new SdpRtpMap(codec.RtxPayloadType.Value, "rtx", codec.ClockRate));
                section.Fmtps.Add(new SdpFmtp(codec.RtxPayloadType.Value, "apt=" + codec.PayloadType.ToString(CultureInfo.InvariantCulture)));
            }
            // Issue 11: our own transport-wide sequence numbers, so the subscriber's transport-cc feedback
            // drives the send-side estimate of its downlink.
            section.Extmaps.Add(new SdpExtmap(TransportSequenceStamper.SubscriberExtensionId, SdpAnswerOptions.TransportWideCcUri, null, null));
            foreach (var codec in slot.Codecs)
                section.RtcpFeedbacks.Add(new SdpRtcpFeedback(codec.PayloadType, "transport-cc"));
            if (slot.Kind == MediaKind.Video)
            {
                foreach (var codec in slot.Codecs)
                {
                    section.RtcpFeedbacks.Add(new SdpRtcpFeedback(codec.PayloadType, "nack"));
                    section.RtcpFeedbacks.Add(new SdpRtcpFeedback(codec.PayloadType, "nack", "pli"));
                    section.RtcpFeedbacks.Add(new SdpRtcpFeedback(codec.PayloadType, "ccm", "fir"));
                }
            }
            SdpBuilder.ApplyTransport(section, transport);
            // The client shows a screen share large (RFC 4796 content:slides), apart from the camera.
            if (slot.Screen || consumer?.Producer.IsScreen == true)
                section.Attributes.Add(new SdpAttribute("content", "slides"));
            if (slot.Bounded)
            {
                // A bounded slot is always sending on its own SSRC, whoever feeds it; the client learns
                // who that is from the slot assignments, not from the msid.
                section.Direction = SdpDirection.SendOnly;
                var cname = "slot-" + slot.Mid;
                var slotMsid = new SdpMsid(cname, cname);
                section.Msids = [slotMsid];
                section.Ssrcs = [new SdpSsrc(slot.Stream.Ssrc, "cname", cname), new SdpSsrc(slot.Stream.Ssrc, "msid", slotMsid.ToString())];
                if (slot.Kind == MediaKind.Video && slot.Codecs.Any(c => c.RtxPayloadType is not null))
                {
                    section.SsrcGroups = [new SdpSsrcGroup("FID", [slot.Stream.Ssrc, slot.Stream.RtxSsrc])];
                    section.Ssrcs.Add(new SdpSsrc(slot.Stream.RtxSsrc, "cname", cname));
                    section.Ssrcs.Add(new SdpSsrc(slot.Stream.RtxSsrc, "msid", slotMsid.ToString()));
                }
            }
            else if (consumer is not null)
            {
                section.Direction = SdpDirection.SendOnly;
                // msid stream id = the publisher's participant id, so clients group its tracks into one tile.
                var msid = new SdpMsid(consumer.Producer.ParticipantId, consumer.Producer.TrackId);
                section.Msids = [msid];
                section.Ssrcs =
                [
                    new SdpSsrc(consumer.Ssrc, "cname", consumer.Producer.ParticipantId),
                    new SdpSsrc(consumer.Ssrc, "msid", msid.ToString()),
                ];
                if (consumer.Producer.Caches is not null)
                {
                    // RFC 4588 §8.3 / RFC 5576: the RTX stream is tied to its media stream by a FID group.
                    section.SsrcGroups = [new SdpSsrcGroup("FID", [consumer.Ssrc, consumer.RtxSsrc])];
                    section.Ssrcs.Add(new SdpSsrc(consumer.RtxSsrc, "cname", consumer.Producer.ParticipantId));
                    section.Ssrcs.Add(new SdpSsrc(consumer.RtxSsrc, "msid", msid.ToString()));
                }
            }
            else if (slot.Mix is { } mix)
            {
                // The mixed audio (issue 17): one stream whoever speaks; the page tells it from a
                // participant's by the stream id, and shows who speaks from signaling.
                section.Direction = SdpDirection.SendOnly;
                var msid = new SdpMsid(Mixing.MixListener.StreamId, Mixing.MixListener.StreamId + "-audio");
                section.Msids = [msid];
                section.Ssrcs =
                [
                    new SdpSsrc(mix.Ssrc, "cname", Mixing.MixListener.StreamId),
                    new SdpSsrc(mix.Ssrc, "msid", msid.ToString()),
                ];
                section.Extmaps.Add(new SdpExtmap(mix.AudioLevelExtensionId, Protocols.Rtp.RtpExtensionUris.AudioLevel));
            }
            else
            {
                section.Direction = SdpDirection.Inactive;
            }
            session.MediaDescriptions.Add(section);
        }
        SdpBuilder.SetBundle(session);
        return session;
    }

    // offerVersion is the version the client was given with the offer (0 = a client that does not echo
    // it). The answer is checked against that offer's snapshot; a refused answer makes a fresh offer.
    public SdpNegotiationResult ApplySubscriberAnswer(string answerSdp, ulong offerVersion)
    {
        SdpNegotiationResult result;
        (string Sdp, ulong Version)? next;
        using (Router.Enter())
        {
            var verdict = Negotiation.Judge(offerVersion);
            switch (verdict)
            {
                case SubscriberAnswerVerdict.Closed:
                    return SdpNegotiationResult.Failure(410, "The participant has left.");
                case SubscriberAnswerVerdict.Stale:
                    // A later offer replaced it; that one's answer is what counts.
                    _module.NegotiationCounters.OnStale();
                    return SdpNegotiationResult.Success(null);
                case SubscriberAnswerVerdict.NoOfferOutstanding:
                    return SdpNegotiationResult.Failure(409, "No subscriber offer is waiting for an answer.");
                case SubscriberAnswerVerdict.Unknown:
                    return SdpNegotiationResult.Failure(409, $"No subscriber offer v{offerVersion} was made.");
            }
            var snapshot = Negotiation.Outstanding!;
            var message = CheckSubscriberAnswer(answerSdp, snapshot, out var answer);
            if (message is not null)
            {
                Negotiation.AnswerRefused();
                _module.NegotiationCounters.OnRefused();
                result = SdpNegotiationResult.Failure(400, message);
            }
            else
            {
                // Sections answered while inactive can carry the next consumer of their kind (docs/sfu.md).
                for (var i = 0; i < snapshot.Sections.Count; i++)
                {
                    var (slot, consumer) = snapshot.Sections[i];
                    if (consumer is null && !slot.IsActive)
                        slot.Reusable = true;
                    slot.RedAccepted = AcceptsRed(answer!.MediaDescriptions[i]);
                }
                Negotiation.AnswerAccepted();
                _module.NegotiationCounters.OnAccepted();
                result = SdpNegotiationResult.Success(null);
            }
            next = TryCreateSubscriberOfferLocked();
        }
        if (next is { } o)
            _listener.OnSubscriberOffer(o.Sdp, o.Version);
        return result;
    }

    // RFC 2198: the subscriber kept `red` among the formats it answered.
    private static bool AcceptsRed(SdpMediaDescription answered) =>
        !answered.IsRejected && answered.RtpMaps.Any(r => r.EncodingName.Equals("red", StringComparison.OrdinalIgnoreCase)
            && answered.Formats.Contains(r.PayloadType.ToString(CultureInfo.InvariantCulture)));

    // Null when the answer fits the offer; the reason otherwise. Sets the remote transport on the first
    // good answer (ICE credentials and DTLS role cannot change without an ICE restart).
    private string? CheckSubscriberAnswer(string answerSdp, SubscriberOfferSnapshot offer, out SessionDescription? answer)
    {
        answer = null;
        if (string.IsNullOrEmpty(answerSdp))
            return "The answer is empty.";
        if (!SessionDescription.TryParse(answerSdp, out answer, out var parseError))
            return $"Malformed SDP answer: {parseError}";
        // RFC 3264 §6: the answer has exactly the offer's m-lines, in order.
        if (answer.MediaDescriptions.Count != offer.Sections.Count)
            return $"The answer has {answer.MediaDescriptions.Count} m-sections; offer v{offer.Version} had {offer.Sections.Count}.";
        for (var i = 0; i < offer.Sections.Count; i++)
        {
            var mid = answer.MediaDescriptions[i].Mid;
            if (mid is not null && mid != offer.Sections[i].Slot.Mid)
                return $"m-section {i} of the answer has mid '{mid}'; offer v{offer.Version} had '{offer.Sections[i].Slot.Mid}'.";
        }
        if (_subscriberNegotiated && !_subscriberIceRestartOffered)
            return null;
        if (!TryReadRemoteTransport(answer, out var remote, out var message))
            return message;
        if (_subscriberNegotiated)
        {
            // RFC 8839 §4.4.1.1.1: the answer to a restart offer carries the answerer's new credentials too.
            Subscriber.AcceptRemoteIce(remote.Ice);
            _subscriberIceRestartOffered = false;
            return null;
        }
        // RFC 5763 §5: the answerer to our actpass picks; active (Chrome's choice) makes us the server.
        if (remote.Setup is not (SdpSetupRole.Active or SdpSetupRole.Passive))
            return "The answer must carry a=setup:active or a=setup:passive.";
        var localSetup = remote.Setup == SdpSetupRole.Active ? SdpSetupRole.Passive : SdpSetupRole.Active;
        Subscriber.SetRemoteParameters(remote.Ice, remote.Fingerprints, SdpBuilder.ToDtlsRole(localSetup));
        _subscriberNegotiated = true;
        return null;
    }
}
