using System.Globalization;
using Meet.Modules.Media.Internal;
using Meet.Modules.Media.Routing;

namespace Meet.Tests.Browser;

// What the SFU forwards one subscriber's video with, for failure messages: a tile that stops decoding
// needs the server's side beside the page's (which layer the consumer is on and aims at, which temporal
// layers pass, what the publisher's layers carry) to tell a product stall from a starved browser.
internal static class VideoConsumerStates
{
    public static string Describe(MediaModule media, string meetingId, string subscriberId)
    {
        if (media.FindRouter(meetingId) is not { } router)
            return "no router";
        var parts = new List<string>();
        foreach (var member in router.Members)
        {
            foreach (var producer in member.Publishing.Producers.Where(p => p.Kind == MediaKind.Video))
            {
                foreach (var consumer in producer.Consumers.Where(c => c.SubscriberId == subscriberId))
                {
                    var layers = string.Join("/", producer.Layers.Select(l => (l.Bitrate / 1000).ToString("F0", CultureInfo.InvariantCulture)));
                    parts.Add($"{member.ParticipantId}: layer {consumer.CurrentLayer} (target {consumer.TargetLayer}, effective {consumer.EffectiveTargetLayer}, "
                        + $"best {producer.BestLayer}), temporal {consumer.CurrentTemporalLayer} (target {consumer.TargetTemporalLayer}), "
                        + $"paused {consumer.IsPaused}, sent {consumer.PacketsSent}, layer kbps {layers}");
                }
            }
        }
        var subscriber = router.Members.FirstOrDefault(m => m.ParticipantId == subscriberId)?.Subscriber.Downlink;
        var counters = media.Counters.Adaptive;
        return string.Join("; ", parts) + $"; downlink estimate {subscriber?.Estimate:N0} bps; layer switches {counters.LayerSwitches}, "
            + $"key frames instead of NACK {counters.KeyFramesInsteadOfNack}; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}";
    }
}
