using System.Diagnostics;

namespace Meet.Tests.PacketEngine;

public static class Poll
{
    // A hang guard, not a timing assertion: conditions normally hold within milliseconds.
    public static bool Until(Func<bool> condition, int timeoutMs = 10_000)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.ElapsedMilliseconds > timeoutMs)
                return condition();
            Thread.Sleep(1);
        }
        return true;
    }
}
