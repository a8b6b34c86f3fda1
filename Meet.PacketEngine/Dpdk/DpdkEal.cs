using System.Runtime.InteropServices;
using System.Text;

namespace Meet.PacketEngine.Dpdk;

/// <summary>
/// The process-wide DPDK Environment Abstraction Layer. rte_eal_init may run once per process and
/// can never be repeated, even after rte_eal_cleanup, so the first engine's arguments win and a
/// later engine must ask for the same ones.
/// </summary>
internal static unsafe class DpdkEal
{
    private const int AffinityMaskBytes = 128; // 1,024 CPUs, glibc's cpu_set_t

    private static readonly Lock InitLock = new();
    private static string[]? _initializedWith;
    private static PacketEngineException? _failure;

    public static bool IsInitialized => Volatile.Read(ref _initializedWith) is not null;

    /// <summary>Loads the shim and initialises the EAL, or throws a <see cref="PacketEngineException"/> naming the key.</summary>
    public static void EnsureInitialized(DpdkPacketEngineOptions options)
    {
        lock (InitLock)
        {
            LoadShim(options.NativeLibraryPath);
            if (_initializedWith is not null)
            {
                if (!_initializedWith.SequenceEqual(options.EalArgs))
                    throw new PacketEngineException(
                        $"{DpdkPacketEngineOptions.KeyPrefix}EalArgs differ from the ones the EAL was initialised with in this process " +
                        $"('{string.Join(' ', _initializedWith)}'); DPDK cannot be initialised twice.");
                return;
            }
            if (_failure is not null)
                throw _failure;
            var rc = InitPreservingAffinity(options.EalArgs);
            if (rc < 0)
            {
                _failure = new PacketEngineException(
                    $"{DpdkPacketEngineOptions.KeyPrefix}EalArgs rejected by rte_eal_init: {Native.DescribeError(rc)} " +
                    $"(arguments: '{string.Join(' ', options.EalArgs)}'; DPDK's log above names the argument).");
                throw _failure;
            }
            _initializedWith = [.. options.EalArgs];
        }
    }

    private static void LoadShim(string? path)
    {
        try
        {
            Native.Load(path);
            _ = Native.Version();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            var key = string.IsNullOrEmpty(path)
                ? "PacketEngine:Backend=Dpdk"
                : $"{DpdkPacketEngineOptions.KeyPrefix}NativeLibraryPath";
            throw new PacketEngineException(
                $"{key}: the DPDK shim {Native.ShimFileName} or a DPDK library it needs could not be loaded " +
                $"(install libdpdk-dev and pkg-config, then rebuild; or use PacketEngine:Backend=Sockets). {e.Message}", e);
        }
    }

    // rte_eal_init pins the calling thread to the main lcore, and every thread it later creates
    // (the .NET thread pool included) inherits that: restore the affinity the process had.
    private static int InitPreservingAffinity(List<string> args)
    {
        var mask = stackalloc byte[AffinityMaskBytes];
        var haveMask = Native.SchedGetAffinity(0, AffinityMaskBytes, mask) == 0;
        try
        {
            // rte_eal_init permutes argv (getopt) and may keep pointers into it, so the array and
            // strings live in native memory and are deliberately never freed (once per process).
            var argv = (nint*)NativeMemory.AllocZeroed((nuint)(args.Count + 2), (nuint)sizeof(nint));
            argv[0] = Marshal.StringToCoTaskMemUTF8("meet");
            for (var i = 0; i < args.Count; i++)
                argv[i + 1] = Marshal.StringToCoTaskMemUTF8(args[i]);
            return Native.EalInit(args.Count + 1, (byte**)argv);
        }
        finally
        {
            if (haveMask)
                Native.SchedSetAffinity(0, AffinityMaskBytes, mask);
        }
    }

    public static string GetDriverName(ushort port)
    {
        var name = stackalloc byte[64];
        return Native.PortDriver(port, name, 64) == 0
            ? Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name))
            : "?";
    }
}
