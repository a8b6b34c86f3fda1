using Meet.Modules.Client.Media;

namespace Meet.Benchmarks.Meeting;

// Everything one step measured; serialized as is into results.json.
internal sealed record StepResult
{
    public required string Step { get; init; }
    public int Meetings { get; init; }
    public int Participants { get; init; }
    public int Publishers { get; init; }
    public int Joined { get; init; }
    public int JoinFailures { get; init; }
    public IReadOnlyList<string> FailureSamples { get; init; } = [];
    public int Subscribers { get; init; }
    public int SubscribersWithAllMedia { get; init; }
    public int SubscribersWithAnyMedia { get; init; }
    public int SubscriberSectionsMax { get; init; }
    public double SubscriberOffersMean { get; init; }
    // Issue 10, per viewer over the window: the server's Media:LastN, the viewers' subscriber m-sections,
    // their downlink (kbps) and how many publishers' video reached them — all bounded by N, not by the
    // meeting's size.
    public int LastN { get; init; }
    public int ViewerSectionsMax { get; init; }
    public double ViewerKbpsMean { get; init; }
    public double ViewerKbpsMax { get; init; }
    public double ViewerVideosMean { get; init; }
    public int ViewerVideosMax { get; init; }
    public int StreamsExpected { get; init; }
    public int StreamsReceived { get; init; }
    public double JoinAllSeconds { get; init; }
    // CPU over the join phase divided by the participants (includes the media already flowing), and
    // the cores server + generator got during it (at most 2 here; far less on a loaded machine).
    public double ServerCpuMsPerJoin { get; init; }
    public double GeneratorCpuMsPerJoin { get; init; }
    public double JoinCoresUsed { get; init; }
    public double SettleSeconds { get; init; }
    public double SignalingJoinP50Ms { get; init; }
    public double SignalingJoinP99Ms { get; init; }
    public double PublishP50Ms { get; init; }
    public double PublishP99Ms { get; init; }
    public double SubscriberConnectP50Ms { get; init; }
    public double SubscriberConnectP99Ms { get; init; }
    public double FirstMediaP50Ms { get; init; }
    public double FirstMediaP99Ms { get; init; }
    public double WindowSeconds { get; init; }
    public double PacketsInPerSecond { get; init; }
    public double PacketsOutPerSecond { get; init; }
    public double MegabitsOutPerSecond { get; init; }
    public double ServerRtpForwardedPerSecond { get; init; }
    public double ServerPacketsInPerSecond { get; init; }
    public double ServerPacketsOutPerSecond { get; init; }
    public long ServerDropped { get; init; }
    public double ServerCores { get; init; }
    public double ServerKernelShare { get; init; }
    public double ServerCpuSecondsPerMillionForwarded { get; init; }
    public double ServerMicrosecondsPerForwardedPacket { get; init; }
    public double ServerIdleCores { get; init; }
    // Net of the idle server: CPU ms per second per subscriber, and µs per forwarded RTP packet.
    public double ServerCpuMsPerSubscriberSecond { get; init; }
    public double ServerNetMicrosecondsPerForwardedPacket { get; init; }
    public double ForwardedPerSubscriberPerSecond { get; init; }
    // Datagrams per send call of the media port (engine packets out ÷ batches out): GSO and sendmmsg batching.
    public double ServerPacketsPerSendCall { get; init; }
    // Datagrams per message handed to the kernel (engine packets out ÷ send messages): the mean UDP GSO run.
    public double ServerPacketsPerSendMessage { get; init; }
    // Issue 10: speaker turns (--speaker-turns), null when off.
    public SpeakerChangeResult? SpeakerChanges { get; init; }

    // The same changes split at the server's own stamps (null: no turns, or the server did not answer).
    public ServerSpeakerChangeResult? ServerSpeakerChanges { get; init; }
    public double GeneratorCores { get; init; }
    // /proc/loadavg (1 min) when the window ended: how busy the shared machine was.
    public double LoadAverage { get; init; }
    public double LatencyP50Ms { get; init; }
    public double LatencyP99Ms { get; init; }
    public double LatencyP999Ms { get; init; }
    // Issue 14: the server's added latency (its /metrics histogram: engine arrival to the forwarded copy's send
    // call returned; one sample per copy), and the generator's own send lag (payload stamp to send call
    // returned) and receive lag (kernel receive time at the subscriber's socket to its callback), in ms.
    public long ServerLatencySamples { get; init; }
    public double ServerLatencyP50Ms { get; init; }
    public double ServerLatencyP99Ms { get; init; }
    public double ServerLatencyP999Ms { get; init; }
    public double SendLagP50Ms { get; init; }
    public double SendLagP99Ms { get; init; }
    public double SendLagP999Ms { get; init; }
    public double ReceiveLagP50Ms { get; init; }
    public double ReceiveLagP99Ms { get; init; }
    public double ReceiveLagP999Ms { get; init; }
    // The server's garbage collections in the window and the time they paused it (its System.Runtime meter).
    public double ServerGcCollections { get; init; }
    public double ServerGcPauseMs { get; init; }
    public double LossPercent { get; init; }
    public int Freezes { get; init; }
    // Subscriber-side RTCP over the window (browser-like receivers) and what the server did with it.
    public FeedbackTotals SubscriberFeedback { get; init; }
    public double ServerNacksReceived { get; init; }
    public double ServerRtpRetransmitted { get; init; }
    public long ServerBaselineRssBytes { get; init; }
    public long ServerRssBytes { get; init; }
    public double ServerKibPerParticipant { get; init; }
    public int ServerBaselineThreads { get; init; }
    public int ServerThreads { get; init; }
    public int GeneratorThreads { get; init; }
    public int ChurnLeft { get; init; }
    public int ChurnJoined { get; init; }
    public int ChurnJoinedWithMedia { get; init; }
    public IReadOnlyList<TimeSample> Series { get; init; } = [];
}

// One second of a step's measured window.
internal sealed record TimeSample(double Second, double PacketsInPerSecond, double PacketsOutPerSecond, double ServerCpuPercent,
    double GeneratorCpuPercent, double LatencyP50Ms, double LatencyP99Ms, double LossPercent);

// What the synthetic subscribers sent back and recovered (ClientReceiverFeedback), summed over participants.
internal readonly record struct FeedbackTotals(long ReceiverReports, long TransportFeedback, long NackedSequences, long Retransmissions,
    long GapsRecovered, long GapsGivenUp)
{
    public static FeedbackTotals Of(IEnumerable<ClientReceiverFeedback> feedback)
    {
        var total = default(FeedbackTotals);
        foreach (var f in feedback)
            total += new FeedbackTotals(f.ReportsSent, f.TransportFeedbackSent, f.NacksSent, f.RetransmissionsReceived, f.Recovered, f.GivenUp);
        return total;
    }

    public static FeedbackTotals operator +(FeedbackTotals a, FeedbackTotals b) => new(a.ReceiverReports + b.ReceiverReports,
        a.TransportFeedback + b.TransportFeedback, a.NackedSequences + b.NackedSequences, a.Retransmissions + b.Retransmissions,
        a.GapsRecovered + b.GapsRecovered, a.GapsGivenUp + b.GapsGivenUp);

    public static FeedbackTotals operator -(FeedbackTotals a, FeedbackTotals b) => new(a.ReceiverReports - b.ReceiverReports,
        a.TransportFeedback - b.TransportFeedback, a.NackedSequences - b.NackedSequences, a.Retransmissions - b.Retransmissions,
        a.GapsRecovered - b.GapsRecovered, a.GapsGivenUp - b.GapsGivenUp);
}
