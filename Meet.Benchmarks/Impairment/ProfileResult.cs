namespace Meet.Benchmarks.Impairment;

// One profile's figures. The impaired window is `Seconds` long; "back to 720p" is measured from the
// moment the impairment was lifted (0 when the subscriber was on 720p then, null when it did not get
// there within the recovery time). Server counters are this run's deltas over the impaired window (the
// subscriber is the only one receiving video, so they are its own).
internal sealed record ProfileResult(
    string Profile,
    string Impairment,
    double Seconds,
    int FramesCompleted,
    double FramesPerSecond,
    int Freezes,
    double FreezesPerMinute,
    double LongestGapMs,
    int LayerSwitches,
    double LayerSwitchesPerMinute,
    int LowestWidth,
    int WidthAtLift,
    double? SecondsBackTo720p,
    long RetransmittedBytes,
    long RetransmittedPackets,
    long NacksReceived,
    long NacksAnswered,
    long NacksRefusedForRtt,
    long NacksRefusedOverEstimate,
    long NacksRefusedOverBudget,
    long KeyFrameRequests,
    long KeyFramesInsteadOfNack,
    long PathDelivered,
    long PathLost,
    long PathQueueDropped,
    double EstimateKbpsAtEnd,
    double? RoundTripMsAtEnd,
    double LoadAverage);
