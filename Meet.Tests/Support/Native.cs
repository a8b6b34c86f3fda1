using System.Runtime.InteropServices;

namespace Meet.Tests.Support;

internal static partial class Native
{
    public const int CloneNewNet = 0x40000000;

    // setns(2): moves the calling thread (only) into another namespace; sockets it creates stay there.
    [LibraryImport("libc", SetLastError = true)]
    public static partial int setns(int fd, int nstype);
}
