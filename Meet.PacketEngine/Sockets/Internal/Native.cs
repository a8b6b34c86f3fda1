using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Meet.PacketEngine.Sockets.Internal;

// Linux x86-64/arm64 socket calls that .NET does not expose: recvmmsg/sendmmsg move a whole batch
// per syscall, and the UDP_SEGMENT control message (UDP GSO, Linux 4.18) lets one sendmsg carry
// many same-size datagrams to one destination. Layouts are the LP64 glibc ones.
internal static unsafe partial class Native
{
    private const string LibC = "libc";

    public const int SolSocket = 1;
    public const int SoReusePort = 15;
    public const int SolUdp = 17;
    // asm-generic/socket.h: receive time of each datagram as a struct timespec (CLOCK_REALTIME) in a
    // cmsg of the same type; 35 on x86-64 and arm64 (SO_TIMESTAMPNS_OLD, a 64-bit time_t there).
    public const int SoTimestampNs = 35;
    // CMSG_SPACE(sizeof(struct timespec)) on LP64: 16-byte header plus two longs.
    public const int TimestampCmsgSpace = 32;
    // linux/udp.h: set the GSO segment size, as a socket option or a per-call cmsg.
    public const int UdpSegment = 103;

    public const int MsgTrunc = 0x20;
    public const int MsgWaitForOne = 0x10000;
    public const int MsgDontWait = 0x40;
    public const short PollIn = 0x1;

    public const int EIntr = 4;
    public const int EIo = 5;
    public const int EAgain = 11;
    public const int EInval = 22;
    public const int EMsgSize = 90;
    public const int ENoProtoOpt = 92;
    public const int EOpNotSupp = 95;

    // Largest sockaddr we read or write (sockaddr_in6), rounded up to keep slots aligned.
    public const int SockaddrSlotSize = 32;

    // CMSG_SPACE(sizeof(uint16_t)) on LP64: 16-byte header plus the value padded to 8.
    public const int GsoCmsgSpace = 24;
    public const int GsoCmsgLength = 18;

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct CmsgHdr
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short ReturnedEvents;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport(LibC, EntryPoint = "ppoll", SetLastError = true)]
    private static partial int PPoll(PollFd* fds, nuint count, TimeSpec* timeout, void* signalMask);

    [LibraryImport(LibC, EntryPoint = "recvmmsg", SetLastError = true)]
    public static partial int RecvMmsg(SafeSocketHandle socket, MMsgHdr* messages, uint count, int flags, void* timeout);

    [LibraryImport(LibC, EntryPoint = "sendmmsg", SetLastError = true)]
    public static partial int SendMmsg(SafeSocketHandle socket, MMsgHdr* messages, uint count, int flags);

    [LibraryImport(LibC, EntryPoint = "getsockopt", SetLastError = true)]
    public static partial int GetSockOpt(SafeSocketHandle socket, int level, int name, void* value, uint* length);

    /// <summary>
    /// Waits at most <paramref name="timeoutNanoseconds"/> for the socket to become readable (ppoll: a
    /// nanosecond timeout, where poll and SO_RCVTIMEO have milliseconds or a syscall to set). True when
    /// readable (or in error, which the next receive reports); false on timeout or a signal.
    /// </summary>
    public static bool WaitReadable(SafeSocketHandle socket, long timeoutNanoseconds)
    {
        var added = false;
        socket.DangerousAddRef(ref added);
        try
        {
            var fd = new PollFd { Fd = (int)socket.DangerousGetHandle(), Events = PollIn };
            var timeout = new TimeSpec { Seconds = timeoutNanoseconds / 1_000_000_000, Nanoseconds = timeoutNanoseconds % 1_000_000_000 };
            return PPoll(&fd, 1, &timeout, null) > 0;
        }
        finally
        {
            if (added)
                socket.DangerousRelease();
        }
    }

    public static bool IsSupported => OperatingSystem.IsLinux() && (RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64);

    /// <summary>True when the kernel knows UDP_SEGMENT (getsockopt fails with ENOPROTOOPT before Linux 4.18).</summary>
    public static bool ProbeUdpGso(SafeSocketHandle socket)
    {
        int value = 0;
        uint length = sizeof(int);
        return GetSockOpt(socket, SolUdp, UdpSegment, &value, &length) == 0;
    }
}
