using System.Net;
using System.Net.Sockets;
using Meet.PacketEngine.Dpdk.Frames;
using Microsoft.Extensions.Options;

namespace Meet.PacketEngine.Dpdk;

/// <summary>Start-up validation; every message starts with the full configuration key to fix.</summary>
internal sealed class DpdkPacketEngineOptionsValidator : IValidateOptions<DpdkPacketEngineOptions>
{
    // The shim's on-stack mbuf array (MEET_MAX_BURST in meet_dpdk.c).
    public const int MaxBurst = 512;

    public ValidateOptionsResult Validate(string? name, DpdkPacketEngineOptions options)
    {
        var errors = GetErrors(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static List<string> GetErrors(DpdkPacketEngineOptions options)
    {
        const string prefix = DpdkPacketEngineOptions.KeyPrefix;
        var errors = new List<string>();
        if (options.EalArgs.Count == 0)
            errors.Add($"{prefix}EalArgs is empty; give the rte_eal_init arguments, e.g. [\"--no-huge\", \"-m\", \"256\", \"--no-pci\", \"--vdev=net_ring0\"].");
        else if (options.EalArgs.Any(string.IsNullOrWhiteSpace))
            errors.Add($"{prefix}EalArgs contains an empty argument.");
        if (!IPAddress.TryParse(options.LocalIp ?? string.Empty, out var ip) || ip.AddressFamily != AddressFamily.InterNetwork)
            errors.Add($"{prefix}LocalIp must be an IPv4 address (was '{options.LocalIp}').");
        if (options.LocalMac is not null && !MacAddress.TryParse(options.LocalMac, out _))
            errors.Add($"{prefix}LocalMac must look like 02:00:00:00:00:01 (was '{options.LocalMac}').");
        // A frame must fit one mbuf (2 KiB data room): no jumbo frames, no multi-segment chains.
        Range(errors, "Mtu", options.Mtu, 576, 2000);
        Range(errors, "RxBurst", options.RxBurst, 1, MaxBurst);
        Range(errors, "RxDescriptors", options.RxDescriptors, 32, 32768);
        Range(errors, "TxDescriptors", options.TxDescriptors, 32, 32768);
        Range(errors, "MbufCount", options.MbufCount, 1023, 1 << 24);
        Range(errors, "MbufCacheSize", options.MbufCacheSize, 0, 512);
        Range(errors, "NeighbourCapacity", options.NeighbourCapacity, 1, 1 << 24);
        return errors;
    }

    private static void Range(List<string> errors, string key, int value, int min, int max)
    {
        if (value < min || value > max)
            errors.Add($"{DpdkPacketEngineOptions.KeyPrefix}{key} must be between {min} and {max} (was {value}).");
    }
}
