using Microsoft.Extensions.Options;

namespace Meet.PacketEngine.Sockets.Internal;

// Every message names the full configuration key so a bad appsettings.json is fixed from the error alone.
internal sealed class SocketsPacketEngineOptionsValidator : IValidateOptions<SocketsPacketEngineOptions>
{
    private const string Prefix = PacketEngineOptions.SectionName + ":" + SocketsPacketEngineOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, SocketsPacketEngineOptions options)
    {
        var errors = Collect(options);
        return errors is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static void ThrowIfInvalid(SocketsPacketEngineOptions options)
    {
        var errors = Collect(options);
        if (errors is not null)
            throw new PacketEngineException(string.Join(" ", errors));
    }

    private static List<string>? Collect(SocketsPacketEngineOptions options)
    {
        List<string>? errors = null;
        Check(ref errors, nameof(options.ReceiveLoops), options.ReceiveLoops, 0, 64);
        Check(ref errors, nameof(options.BatchSize), options.BatchSize, 1, 1024);
        Check(ref errors, nameof(options.SlotSize), options.SlotSize, 64, 65536);
        Check(ref errors, nameof(options.MaxGsoSegments), options.MaxGsoSegments, 1, 64);
        Check(ref errors, nameof(options.ReceiveBufferSize), options.ReceiveBufferSize, 0, 1 << 30);
        Check(ref errors, nameof(options.SendBufferSize), options.SendBufferSize, 0, 1 << 30);
        Check(ref errors, nameof(options.MaxIceTcpConnections), options.MaxIceTcpConnections, 1, 1_000_000);
        Check(ref errors, nameof(options.MaxIceTcpPendingSendBytes), options.MaxIceTcpPendingSendBytes, 1024, 1 << 30);
        return errors;
    }

    private static void Check(ref List<string>? errors, string key, int value, int min, int max)
    {
        if (value >= min && value <= max)
            return;
        errors ??= [];
        errors.Add($"{Prefix}{key} is {value}; expected {min}..{max}.");
    }
}
