using System.Collections.Concurrent;

namespace Meet.Modules.Media.Protocols.Dtls;

// BouncyCastle's DTLS handshake is blocking (it pulls datagrams and sleeps between retransmissions), so
// each one needs a thread while it runs — but only while it runs. Handshakes queue here for a bounded
// set of worker threads shared by the whole process, so a server's threads stay bounded however many
// participants it holds (issue 14: it used to keep one thread per association for the whole call).
// Workers start on demand and stay; a handshake occupies one for a few round trips, at most until its
// HandshakeTimeout closes its queue.
internal static class DtlsHandshakeScheduler
{
    // Enough for a join storm on loopback (a handshake takes a few ms of CPU and a few round trips) and
    // for a client and a server handshaking against each other in one process; bounded regardless.
    public static readonly int MaxWorkers = Math.Max(32, 8 * Environment.ProcessorCount);

    private static readonly BlockingCollection<Action> Work = new(new ConcurrentQueue<Action>());
    private static readonly Lock StartGate = new();
    private static int _workers;
    private static int _idle;

    public static int Workers => Volatile.Read(ref _workers);

    public static void Enqueue(Action handshake)
    {
        Work.Add(handshake);
        // Start another worker when none is idle to take this one, up to the bound.
        if (Volatile.Read(ref _idle) > 0)
        {
            return;
        }

        lock (StartGate)
        {
            if (_workers >= MaxWorkers || Volatile.Read(ref _idle) > 0)
            {
                return;
            }

            _workers++;
            new Thread(RunWorker) { IsBackground = true, Name = "dtls-handshake" }.Start();
        }
    }

    private static void RunWorker()
    {
        while (true)
        {
            Interlocked.Increment(ref _idle);
            var handshake = Work.Take();
            Interlocked.Decrement(ref _idle);
            // The handshake guards itself (DtlsEndpoint.RunGuarded); a worker never dies.
            handshake();
        }
    }
}
