using Microsoft.Extensions.Options;

namespace Meet.Modules.Signaling.Internal;

internal sealed class SignalingOptionsValidator : IValidateOptions<SignalingOptions>
{
    public ValidateOptionsResult Validate(string? name, SignalingOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrEmpty(options.GrpcUrl) && !(Uri.TryCreate(options.GrpcUrl, UriKind.Absolute, out var grpc) && grpc.Scheme is "http" or "https"))
            failures.Add($"Signaling:GrpcUrl must be an absolute http(s) URL or empty (was '{options.GrpcUrl}').");
        if (options.HeartbeatTimeout <= TimeSpan.Zero)
            failures.Add($"Signaling:HeartbeatTimeout must be positive (was '{options.HeartbeatTimeout}').");
        if (options.EndedMeetingCheckInterval < TimeSpan.FromMilliseconds(100) || options.EndedMeetingCheckInterval > TimeSpan.FromHours(1))
            failures.Add($"Signaling:EndedMeetingCheckInterval must be between 100 ms and 1 h (was '{options.EndedMeetingCheckInterval}').");
        if (options.MaximumReceiveMessageSize is < 4096 or > 16 * 1024 * 1024)
            failures.Add($"Signaling:MaximumReceiveMessageSize must be between 4096 and 16777216 bytes (was {options.MaximumReceiveMessageSize}).");
        if (options.MaximumSdpSize <= 0 || options.MaximumSdpSize > options.MaximumReceiveMessageSize)
            failures.Add($"Signaling:MaximumSdpSize must be positive and at most Signaling:MaximumReceiveMessageSize (was {options.MaximumSdpSize}).");
        if (options.MessagesPerSecond <= 0)
            failures.Add($"Signaling:MessagesPerSecond must be positive (was {options.MessagesPerSecond}).");
        if (options.MessageBurst <= 0)
            failures.Add($"Signaling:MessageBurst must be positive (was {options.MessageBurst}).");
        if (options.RosterBatchDelay < TimeSpan.Zero || options.RosterBatchDelay > TimeSpan.FromSeconds(1))
            failures.Add($"Signaling:RosterBatchDelay must be between 0 and 1 s (was '{options.RosterBatchDelay}').");
        if (options.RosterPageSize is < 1 or > 5000)
            failures.Add($"Signaling:RosterPageSize must be between 1 and 5000 (was {options.RosterPageSize}).");
        if (options.ChatMaximumLength is < 1 or > 32768)
            failures.Add($"Signaling:ChatMaximumLength must be between 1 and 32768 characters (was {options.ChatMaximumLength}).");
        if (options.ChatHistoryLength is < 0 or > 10000)
            failures.Add($"Signaling:ChatHistoryLength must be between 0 and 10000 (was {options.ChatHistoryLength}).");
        if (!(options.ChatMessagesPerSecond > 0))
            failures.Add($"Signaling:ChatMessagesPerSecond must be positive (was {options.ChatMessagesPerSecond}).");
        if (options.ChatBurst < 1)
            failures.Add($"Signaling:ChatBurst must be at least 1 (was {options.ChatBurst}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
