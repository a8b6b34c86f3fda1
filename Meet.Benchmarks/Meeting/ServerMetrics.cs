using System.Globalization;

namespace Meet.Benchmarks.Meeting;

// The server's own counters, scraped from its /metrics (Prometheus text): what the SFU forwarded and
// what went through the media port, as any Prometheus would read them.
internal readonly record struct ServerMetrics(double RtpReceived, double RtpForwarded, double EnginePacketsIn, double EnginePacketsOut, double MediaDropped, double EngineDropped,
    double NacksReceived, double RtpRetransmitted, double EngineBatchesOut = 0, double EngineSendMessages = 0, double GcCollections = 0, double GcPauseSeconds = 0)
{
    public static async Task<ServerMetrics> ScrapeAsync(HttpClient http, Uri baseAddress)
    {
        try
        {
            var text = await http.GetStringAsync(new Uri(baseAddress, "/metrics"));
            return new ServerMetrics(
                Sum(text, "meet_media_rtp_received_total"),
                Sum(text, "meet_media_rtp_forwarded_total"),
                Sum(text, "meet_packet_engine_packets_total", "direction=\"in\""),
                Sum(text, "meet_packet_engine_packets_total", "direction=\"out\""),
                Sum(text, "meet_media_dropped_total"),
                Sum(text, "meet_packet_engine_dropped_total"),
                Sum(text, "meet_media_nacks_received_total"),
                Sum(text, "meet_media_rtp_retransmitted_total"),
                Sum(text, "meet_packet_engine_batches_total", "direction=\"out\""),
                Sum(text, "meet_packet_engine_send_messages_total"),
                Sum(text, "dotnet_gc_collections_total"),
                Sum(text, "dotnet_gc_pause_time_seconds_total"));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return default;
        }
    }

    public static ServerMetrics operator -(ServerMetrics a, ServerMetrics b) => new(a.RtpReceived - b.RtpReceived, a.RtpForwarded - b.RtpForwarded,
        a.EnginePacketsIn - b.EnginePacketsIn, a.EnginePacketsOut - b.EnginePacketsOut, a.MediaDropped - b.MediaDropped, a.EngineDropped - b.EngineDropped,
        a.NacksReceived - b.NacksReceived, a.RtpRetransmitted - b.RtpRetransmitted, a.EngineBatchesOut - b.EngineBatchesOut, a.EngineSendMessages - b.EngineSendMessages,
        a.GcCollections - b.GcCollections, a.GcPauseSeconds - b.GcPauseSeconds);

    private static double Sum(string text, string name, string? label = null)
    {
        double sum = 0;
        foreach (var line in text.Split('\n'))
        {
            if (line.Length > name.Length && line.StartsWith(name, StringComparison.Ordinal) && line[name.Length] is ' ' or '{'
                && (label is null || line.Contains(label, StringComparison.Ordinal))
                && double.TryParse(line[(line.LastIndexOf(' ') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                sum += value;
        }
        return sum;
    }
}
