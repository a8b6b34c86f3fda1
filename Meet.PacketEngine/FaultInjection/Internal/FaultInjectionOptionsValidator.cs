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
        NonNegative(errors, nameof(options.RateLimitQueueMs), options.RateLimitQueueMs);
        for (var i = 0; i < options.Paths.Count; i++)
        {
            var path = options.Paths[i];
            var key = $"{Prefix}{nameof(options.Paths)}:{i}:";
            if (!TryParseDestination(path.Destination, out _))
                errors.Add($"{key}{nameof(path.Destination)} is '{path.Destination}'; expected address:port, e.g. 127.0.0.1:50000 or [::1]:50000.");
            if (!(path.LossPercent is >= 0 and <= 100))
                errors.Add($"{key}{nameof(path.LossPercent)} is {path.LossPercent}; expected 0 to 100.");
            if (!(path.DelayMs >= 0))
                errors.Add($"{key}{nameof(path.DelayMs)} is {path.DelayMs}; expected 0 or more.");
            if (path.RateLimitKbps < 0)
                errors.Add($"{key}{nameof(path.RateLimitKbps)} is {path.RateLimitKbps}; expected 0 or more.");
            if (!(path.MaxQueueMs > 0))
                errors.Add($"{key}{nameof(path.MaxQueueMs)} is {path.MaxQueueMs}; expected above 0.");
        }
        if (!Enum.IsDefined(options.Direction))
            errors.Add($"{Prefix}{nameof(options.Direction)} is {options.Direction}; expected Receive, Send or Both.");
        if (errors.Count > 0)
            throw new PacketEngineException(string.Join(" ", errors));
    }

    public static PacketAddress ParseDestination(string destination) =>
        TryParseDestination(destination, out var address) ? address : throw new PacketEngineException($"'{destination}' is not an address:port.");

    private static bool TryParseDestination(string? destination, out PacketAddress address)
    {
        address = default;
        if (!System.Net.IPEndPoint.TryParse(destination ?? "", out var endPoint) || endPoint.Port == 0)
            return false;
        address = PacketAddress.FromEndPoint(endPoint);
        return true;
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
