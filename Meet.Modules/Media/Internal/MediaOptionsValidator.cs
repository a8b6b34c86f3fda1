using Microsoft.Extensions.Options;

namespace Meet.Modules.Media.Internal;

internal sealed class MediaOptionsValidator : IValidateOptions<MediaOptions>
{
    public ValidateOptionsResult Validate(string? name, MediaOptions options)
    {
        var failures = new List<string>();
        if (options.BindAddress.Length > 0 && !System.Net.IPAddress.TryParse(options.BindAddress, out _))
            failures.Add($"{MediaOptions.SectionName}:{nameof(MediaOptions.BindAddress)} must be an IP address or empty (was '{options.BindAddress}').");
        if (options.UdpPort is < 0 or > 65535)
            failures.Add($"{MediaOptions.SectionName}:{nameof(MediaOptions.UdpPort)} must be 0..65535 (was {options.UdpPort}).");
        if (options.MaxScreenShares < 1)
            failures.Add($"{MediaOptions.SectionName}:{nameof(MediaOptions.MaxScreenShares)} must be at least 1 (was {options.MaxScreenShares}).");
        if (options.LastN < 1)
            failures.Add($"{MediaOptions.SectionName}:{nameof(MediaOptions.LastN)} must be at least 1 (was {options.LastN}).");
        if (options.SubscriberAnswerTimeout < TimeSpan.FromMilliseconds(200) || options.SubscriberAnswerTimeout > TimeSpan.FromMinutes(5))
            failures.Add($"{MediaOptions.SectionName}:{nameof(MediaOptions.SubscriberAnswerTimeout)} must be between 00:00:00.200 and 00:05:00 (was {options.SubscriberAnswerTimeout}).");
        if (options.ProbeMaxBitrate is < 100_000 or > 100_000_000)
            failures.Add($"{MediaOptions.SectionName}:{nameof(MediaOptions.ProbeMaxBitrate)} must be between 100000 and 100000000 bits per second (was {options.ProbeMaxBitrate}).");
        if (options.DynacastPauseDelay < TimeSpan.Zero || options.DynacastPauseDelay > TimeSpan.FromMinutes(10))
            failures.Add($"{MediaOptions.SectionName}:{nameof(MediaOptions.DynacastPauseDelay)} must be between 00:00:00 and 00:10:00 (was {options.DynacastPauseDelay}).");
        if (!(options.QualityLossThreshold is > 0 and <= 100))
            failures.Add($"{MediaOptions.SectionName}:{nameof(MediaOptions.QualityLossThreshold)} must be a percentage above 0 and at most 100 (was {options.QualityLossThreshold}).");
        if (options.QualityWindow < TimeSpan.FromSeconds(1) || options.QualityWindow > TimeSpan.FromHours(1))
            failures.Add($"{MediaOptions.SectionName}:{nameof(MediaOptions.QualityWindow)} must be between 00:00:01 and 01:00:00 (was {options.QualityWindow}).");
        if (options.NackRttLimit < TimeSpan.Zero || options.NackRttLimit > TimeSpan.FromSeconds(10))
            failures.Add($"{MediaOptions.SectionName}:{nameof(MediaOptions.NackRttLimit)} must be between 00:00:00 and 00:00:10 (was {options.NackRttLimit}).");

        if (!Enum.IsDefined(options.AudioMode))
            failures.Add($"{MediaOptions.SectionName}:{nameof(MediaOptions.AudioMode)} must be Forward or Mix (was {options.AudioMode}).");
        if (options.SendBatchLimit is < 64 or > 8192)
            failures.Add($"{MediaOptions.SectionName}:{nameof(MediaOptions.SendBatchLimit)} must be 64..8192 (was {options.SendBatchLimit}).");
        if (options.FrameHoldMicroseconds is < 0 or > MediaOptions.MaxFrameHoldMicroseconds)
            failures.Add($"{MediaOptions.SectionName}:{nameof(MediaOptions.FrameHoldMicroseconds)} must be 0..{MediaOptions.MaxFrameHoldMicroseconds} (was {options.FrameHoldMicroseconds}).");
        if (options.MixerThreads is < 0 or > 64)
            failures.Add($"{MediaOptions.SectionName}:{nameof(MediaOptions.MixerThreads)} must be 0..64 (was {options.MixerThreads}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
