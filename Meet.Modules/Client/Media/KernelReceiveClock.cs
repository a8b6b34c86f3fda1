using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Meet.Modules.Client.Media;

// When the kernel received the datagram a socket's last read returned (Linux SIOCGSTAMPNS), in Stopwatch
// ticks: the load generator splits its one-way latency with it (issue 14), the time between the kernel's
// receive and the bot's callback being the generator's own receive lag. The first call switches the socket's
// timestamps on and answers nothing; from then on every read stores its datagram's time. One ioctl per call.
internal static partial class KernelReceiveClock
{
    private const nuint SiocGStampNs = 0x8907;

    // Kernel times are CLOCK_REALTIME: a datagram's age is taken against the wall clock now and clamped, so a
    // clock step cannot stamp it in the future or long ago.
    private const long MaxAgeNanoseconds = 1_000_000_000;
    private static readonly double TicksPerNanosecond = Stopwatch.Frequency / 1e9;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static unsafe partial int Ioctl(SafeSocketHandle socket, nuint request, Timespec* value);

    // The last read datagram's arrival in Stopwatch ticks; 0 when the kernel has none (first call, not Linux).
    public static unsafe long LastReceived(Socket socket)
    {
        if (!OperatingSystem.IsLinux())
            return 0;
        Timespec stamp;
        if (Ioctl(socket.SafeHandle, SiocGStampNs, &stamp) != 0 || stamp.Seconds <= 0)
            return 0;
        var now = Stopwatch.GetTimestamp();
        var realNow = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
        var age = Math.Clamp(realNow - (stamp.Seconds * 1_000_000_000 + stamp.Nanoseconds), 0, MaxAgeNanoseconds);
        return now - (long)(age * TicksPerNanosecond);
    }
}
