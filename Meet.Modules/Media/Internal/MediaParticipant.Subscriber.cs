using System.Globalization;
using Meet.Modules.Media.Protocols.Sdp;
using Meet.Modules.Media.Routing;

namespace Meet.Modules.Media.Internal;

internal sealed partial class MediaParticipant
{
    private readonly string _subscriberSessionId = SdpBuilder.NewSessionId();
    private ulong _subscriberVersion;
    private bool _offerOutstanding;
    private bool _subscriberDirty;
    private bool _subscriberNegotiated;
    private int _nextMid;

    public void AddConsumerLocked(Producer producer)
    {
        var slot = _slots.FirstOrDefault(s => s.Reusable && s.Kind == producer.Kind && s.HasSameCodecs(producer.Codecs));
        if (slot is null)
        {
            slot = new SubscriberSlot((_nextMid++).ToString(CultureInfo.InvariantCulture), producer.Kind, producer.Codecs);
            _slots.Add(slot);
        }
        var consumer = new Consumer(_module.NextId("consumer-"), producer, ParticipantId, Subscriber, slot.Mid);
        slot.Consumer = consumer;
        slot.Reusable = false;
        producer.AddConsumer(consumer);
        _subscriberDirty = true;
        // A new consumer starts on a keyframe (SPEC "SFU behaviour"): ask now, coalesced per publisher.
        producer.RequestKeyFrame(producer.BestLayer, _module.Sender);
    }

    public bool RemoveConsumerLocked(Consumer consumer)
    {
        var slot = _slots.FirstOrDefault(s => s.Consumer == consumer);
        if (slot is null)
            return false;
        consumer.IsClosed = true;
        slot.Consumer = null;
        _subscriberDirty = true;
        return true;
    }

    // Sends the next subscriber offer if something changed and no offer is waiting for its answer
    // (JSEP allows one outstanding offer; later changes are queued into the next one).
    public void DeliverSubscriberOffer()
    {
        string? offer;
        lock (_module.Control)
            offer = TryCreateSubscriberOfferLocked();
        if (offer is not null)
            _listener.OnSubscriberOffer(offer);
    }

    private string? TryCreateSubscriberOfferLocked()
    {
        if (_closed || _offerOutstanding || !_subscriberDirty || _slots.Count == 0)
            return null;
        _subscriberDirty = false;
        _offerOutstanding = true;
        return BuildSubscriberOffer().ToString();
    }

    private SessionDescription BuildSubscriberOffer()
    {
        var session = SdpBuilder.CreateSession(_subscriberSessionId, ++_subscriberVersion, iceLite: true);
        var transport = TransportParameters(Subscriber, SdpSetupRole.ActPass);
        foreach (var slot in _slots)
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
            slot.OfferedInactive = slot.Consumer is null;
            if (slot.Consumer is { } consumer)
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

    public SdpNegotiationResult ApplySubscriberAnswer(string answerSdp)
    {
        if (string.IsNullOrEmpty(answerSdp))
            return SdpNegotiationResult.Failure(400, "The answer is empty.");
        if (!SessionDescription.TryParse(answerSdp, out var answer, out var parseError))
            return SdpNegotiationResult.Failure(400, $"Malformed SDP answer: {parseError}");
        string? next;
        lock (_module.Control)
        {
            if (_closed)
                return SdpNegotiationResult.Failure(410, "The participant has left.");
            if (!_offerOutstanding)
                return SdpNegotiationResult.Failure(409, "No subscriber offer is waiting for an answer.");
            if (answer.MediaDescriptions.Count != _slots.Count)
                return SdpNegotiationResult.Failure(400, "The answer's m-sections do not match the offer.");
            if (!_subscriberNegotiated)
            {
                if (!TryReadRemoteTransport(answer, out var remote, out var message))
                    return SdpNegotiationResult.Failure(400, message);
                // RFC 5763 §5: the answerer to our actpass picks; active (Chrome's choice) makes us the server.
                if (remote.Setup is not (SdpSetupRole.Active or SdpSetupRole.Passive))
                    return SdpNegotiationResult.Failure(400, "The answer must carry a=setup:active or a=setup:passive.");
                var localSetup = remote.Setup == SdpSetupRole.Active ? SdpSetupRole.Passive : SdpSetupRole.Active;
                Subscriber.SetRemoteParameters(remote.Ice, remote.Fingerprints, SdpBuilder.ToDtlsRole(localSetup));
                _subscriberNegotiated = true;
            }
            _offerOutstanding = false;
            foreach (var slot in _slots)
                slot.Reusable = slot.OfferedInactive && slot.Consumer is null;
            next = TryCreateSubscriberOfferLocked();
        }
        if (next is not null)
            _listener.OnSubscriberOffer(next);
        return SdpNegotiationResult.Success(null);
    }
}
