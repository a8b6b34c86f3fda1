namespace Meet.Modules.Media.Protocols.Dtls;

// Process-wide handshake totals (every DtlsEndpoint of the process), read by the media meter.
public static class DtlsHandshakeStatistics
{
    private static long _started;
    private static long _succeeded;
    private static long _failed;

    public static long Started => Interlocked.Read(ref _started);

    public static long Succeeded => Interlocked.Read(ref _succeeded);

    public static long Failed => Interlocked.Read(ref _failed);

    public static long InProgress => Math.Max(0, Started - Succeeded - Failed);

    // Threads the bounded handshake pools (one per role) have started (never more than their bounds).
    public static int Workers => DtlsHandshakeScheduler.Workers;

    internal static void OnStarted() => Interlocked.Increment(ref _started);

    internal static void OnCompleted(bool succeeded)
    {
        if (succeeded)
        {
            Interlocked.Increment(ref _succeeded);
        }
        else
        {
            Interlocked.Increment(ref _failed);
        }
    }
}
