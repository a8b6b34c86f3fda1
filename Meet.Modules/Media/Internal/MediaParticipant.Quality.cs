using Meet.Modules.Media.Routing;
using Meet.Modules.Storage;

namespace Meet.Modules.Media.Internal;

// Issue 11: this participant's rows of participant_quality_logs. Once a second (the module's report
// tick) the loss of the current window is measured both ways — what it sends us (gaps in its streams'
// sequence numbers) and what it receives (its receiver reports and transport-cc feedback) — and when the
// worse of the two reaches Media:QualityLossThreshold over a Media:QualityWindow, a PACKET_LOSS_ALERT
// (loss %, RTT, codec) is queued; ICE restarts and media disconnects are queued as they happen. Queued
// only: QualityLogWriter stores them in batches, off the packet path.
internal sealed partial class MediaParticipant
{
    private long _qualityWindowStart;
    private long _windowExpected;
    private long _windowReceived;

    private void CheckQuality()
    {
        var now = _module.Time.GetTimestamp();
        long expected, received;
        using (Router.Enter())
        {
            if (_closed)
                return;
            (expected, received) = UplinkPackets();
        }
        if (_qualityWindowStart == 0)
        {
            (_qualityWindowStart, _windowExpected, _windowReceived) = (now, expected, received);
            return;
        }
        if (_module.Time.GetElapsedTime(_qualityWindowStart, now) < _module.QualityWindow)
            return;
        var windowExpected = expected - _windowExpected;
        // RTX-repaired and duplicated packets count as received too, so more can arrive than expected.
        var uplinkLoss = windowExpected > 0 ? Math.Max(0, 1 - (double)(received - _windowReceived) / windowExpected) : 0;
        (_qualityWindowStart, _windowExpected, _windowReceived) = (now, expected, received);
        var downlink = Subscriber.Downlink;
        var downlinkLoss = downlink is null ? 0 : Math.Max(downlink.FractionLost, downlink.LossFractionFromFeedback);
        var loss = Math.Max(uplinkLoss, downlinkLoss) * 100;
        LastWindowLossPercent = loss;
        if (loss >= _module.QualityLossThreshold)
            LogQuality(ParticipantQualityLog.PacketLossAlert, loss);
    }

    // The worse direction's loss in the last finished window, percent (tests, the quality indicator).
    public double LastWindowLossPercent { get; private set; }

    // Under the router's lock: packets the participant's streams should have delivered (RFC 3550 A.3:
    // extended highest sequence - base + 1) and those that arrived.
    private (long Expected, long Received) UplinkPackets()
    {
        long expected = 0, received = 0;
        foreach (var producer in Member.Publishing.Producers)
        {
            foreach (var layer in producer.Layers)
            {
                if (!layer.Started)
                    continue;
                expected += (long)layer.ExtendedHighestSequence - layer.BaseSequence + 1;
                received += layer.PacketsReceived;
            }
        }
        return (expected, received);
    }

    private void LogQuality(string eventType, double lossPercent = 0)
    {
        var rtt = Subscriber.Downlink?.RoundTripTime is { } value ? (int)Math.Min(int.MaxValue, value.TotalMilliseconds) : 0;
        _module.QualityLog.Add(new ParticipantQualityLog(0, Router.MeetingId, ParticipantId, eventType,
            (decimal)Math.Round(Math.Clamp(lossPercent, 0, 100), 2), rtt, CodecInUse(), _module.Time.GetUtcNow()));
    }

    // The camera's codec when there is one, else the microphone's.
    private string? CodecInUse()
    {
        Producer? audio = null;
        foreach (var producer in Member.Publishing.Producers)
        {
            if (producer.Kind == MediaKind.Video && !producer.IsScreen && producer.Codecs.Count > 0)
                return producer.Codecs[0].Name;
            audio ??= producer.Kind == MediaKind.Audio ? producer : null;
        }
        return audio is { Codecs.Count: > 0 } ? audio.Codecs[0].Name : null;
    }
}
