using System.Reflection;
using System.Runtime.InteropServices;

namespace Meet.PacketEngine.Dpdk;

/// <summary>
/// Every native call of the DPDK backend: the shim (native/meet_dpdk.c, because rx/tx burst are
/// static inline in DPDK) and the two libc calls that save and restore CPU affinity.
/// </summary>
internal static unsafe partial class Native
{
    public const string ShimLibrary = "meet_dpdk";
    public const string ShimFileName = "libmeet_dpdk.so";
    private const string LibC = "libc";

    private static readonly Lock LoadLock = new();
    private static nint _shimHandle;
    private static bool _resolverSet;

    /// <summary>
    /// Loads the shim (and through it librte_*), from <paramref name="path"/> or next to this
    /// assembly; throws <see cref="DllNotFoundException"/> with the loader's reason.
    /// </summary>
    public static void Load(string? path)
    {
        lock (LoadLock)
        {
            if (_shimHandle != 0)
                return;
            var fullPath = string.IsNullOrEmpty(path)
                ? Path.Combine(AppContext.BaseDirectory, ShimFileName)
                : Path.GetFullPath(path);
            _shimHandle = NativeLibrary.Load(fullPath);
            if (!_resolverSet)
            {
                NativeLibrary.SetDllImportResolver(typeof(Native).Assembly, Resolve);
                _resolverSet = true;
            }
        }
    }

    // "libc" alone would make the loader try libc.so, which on glibc systems is a linker script.
    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) => libraryName switch
    {
        ShimLibrary => _shimHandle,
        LibC => NativeLibrary.Load("libc.so.6"),
        _ => 0,
    };

    [LibraryImport(ShimLibrary, EntryPoint = "meet_dpdk_version")]
    public static partial int Version();

    [LibraryImport(ShimLibrary, EntryPoint = "meet_dpdk_eal_init")]
    public static partial int EalInit(int argc, byte** argv);

    [LibraryImport(ShimLibrary, EntryPoint = "meet_dpdk_eal_cleanup")]
    public static partial int EalCleanup();

    [LibraryImport(ShimLibrary, EntryPoint = "meet_dpdk_strerror")]
    public static partial byte* StrError(int error);

    [LibraryImport(ShimLibrary, EntryPoint = "meet_dpdk_port_count")]
    public static partial int PortCount();

    [LibraryImport(ShimLibrary, EntryPoint = "meet_dpdk_port_driver")]
    public static partial int PortDriver(ushort port, byte* name, uint capacity);

    [LibraryImport(ShimLibrary, EntryPoint = "meet_dpdk_port_start")]
    public static partial int PortStart(ushort port, ushort rxDescriptors, ushort txDescriptors, uint mbufCount, uint mbufCache, byte* mac);

    [LibraryImport(ShimLibrary, EntryPoint = "meet_dpdk_port_close")]
    public static partial int PortClose(ushort port);

    [LibraryImport(ShimLibrary, EntryPoint = "meet_dpdk_max_frame")]
    public static partial int MaxFrame(ushort port);

    // SuppressGCTransition is not used on the bursts: they can run for microseconds (copies of a
    // whole burst), longer than the GC should be kept waiting.
    [LibraryImport(ShimLibrary, EntryPoint = "meet_dpdk_rx_peek")]
    public static partial int RxPeek(ushort port, ushort queue, nint* mbufs, byte** data, int* lengths, ushort count);

    [LibraryImport(ShimLibrary, EntryPoint = "meet_dpdk_rx_release")]
    public static partial void RxRelease(nint* mbufs, ushort count);

    [LibraryImport(ShimLibrary, EntryPoint = "meet_dpdk_tx_burst")]
    public static partial int TxBurst(ushort port, ushort queue, byte* headers, uint headerLength, byte** payloads, int* payloadLengths, ushort count);

    [LibraryImport(ShimLibrary, EntryPoint = "meet_dpdk_port_stats")]
    public static partial int PortStats(ushort port, ulong* stats);

    [LibraryImport(ShimLibrary, EntryPoint = "meet_dpdk_thread_register")]
    public static partial int ThreadRegister();

    [LibraryImport(ShimLibrary, EntryPoint = "meet_dpdk_thread_unregister")]
    public static partial void ThreadUnregister();

    // pid 0 = the calling thread (sched_setaffinity(2)).
    [LibraryImport(LibC, EntryPoint = "sched_getaffinity", SetLastError = true)]
    public static partial int SchedGetAffinity(int pid, nuint size, byte* mask);

    [LibraryImport(LibC, EntryPoint = "sched_setaffinity", SetLastError = true)]
    public static partial int SchedSetAffinity(int pid, nuint size, byte* mask);

    public static string DescribeError(int error) =>
        Marshal.PtrToStringUTF8((nint)StrError(error)) ?? $"error {error}";
}
