namespace Meet.PacketEngine.FaultInjection.Internal;

internal static class FaultInjectionOptionsValidator
{
    private const string Prefix = PacketEngineOptions.SectionName + ":" + FaultInjectionOptions.SectionName + ":";

    public static void ThrowIfInvalid(FaultInjectionOptions options)
    {
        List<string> errors = [];
        Probability(errors, nameof(options.LossRate), options.LossRate);
        Probability(errors, nameof(options.BurstEnterProbability), options.BurstEnterProbability);
        Probability(errors, nameof(options.BurstExitProbability), options.BurstExitProbability);
        Probability(errors, nameof(options.BurstLossRate), options.BurstLossRate);
        Probability(errors, nameof(options.ReorderRate), options.ReorderRate);
        if (options.BurstEnterProbability > 0 && options.BurstExitProbability <= 0)
            errors.Add($"{Prefix}{nameof(options.BurstExitProbability)} must be above 0 when {nameof(options.BurstEnterProbability)} is set, or the link never recovers.");
        NonNegative(errors, nameof(options.DelayMs), options.DelayMs);
        NonNegative(errors, nameof(options.JitterMs), options.JitterMs);
        NonNegative(errors, nameof(options.ReorderDelayMs), options.ReorderDelayMs);
        NonNegative(errors, nameof(options.RateLimitBitsPerSecond), options.RateLimitBitsPerSecond);
        if (options.RateLimitBurstBytes < 1)
            errors.Add($"{Prefix}{nameof(options.RateLimitBurstBytes)} is {options.RateLimitBurstBytes}; expected at least 1.");
        if (options.MaxQueuedPackets < 1)
            errors.Add($"{Prefix}{nameof(options.MaxQueuedPackets)} is {options.MaxQueuedPackets}; expected at least 1.");
        if (options.MaxDatagramSize is < 64 or > 65536)
            errors.Add($"{Prefix}{nameof(options.MaxDatagramSize)} is {options.MaxDatagramSize}; expected 64..65536.");
        if (!Enum.IsDefined(options.Direction))
            errors.Add($"{Prefix}{nameof(options.Direction)} is {options.Direction}; expected Receive, Send or Both.");
        if (errors.Count > 0)
            throw new PacketEngineException(string.Join(" ", errors));
    }

    private static void Probability(List<string> errors, string key, double value)
    {
        if (!(value >= 0 && value <= 1))
            errors.Add($"{Prefix}{key} is {value}; expected a probability from 0 to 1.");
    }

    private static void NonNegative(List<string> errors, string key, double value)
    {
        if (!(value >= 0))
            errors.Add($"{Prefix}{key} is {value}; expected 0 or more.");
    }
}
