using System.Collections.Concurrent;

namespace Meet.Modules.Media.Protocols.Dtls;

// BouncyCastle's DTLS handshake is blocking (it pulls datagrams and sleeps between retransmissions), so
// each one needs a thread while it runs — but only while it runs. Handshakes queue here for a bounded
// set of worker threads shared by the whole process, so a server's threads stay bounded however many
// participants it holds (issue 14: it used to keep one thread per association for the whole call).
// Workers start on demand and stay; a handshake occupies one for a few round trips, at most until its
// HandshakeTimeout closes its queue.
//
// Client and server handshakes have a pool each. A client handshake waits on its server, so in a process
// that is both (the .NET client library's bots against an embedded server: tests, the load generator),
// one shared pool full of waiting clients left the servers' handshakes queued behind them until the
// clients timed out and failed: in a `mix` meeting only ~51 of 100 or of 500 listeners ever connected
// (issue 17's 500-listener run). With a pool per role a server handshake never waits for a client's.
internal static class DtlsHandshakeScheduler
{
    // Enough for a join storm on loopback (a handshake takes a few ms of CPU and a few round trips);
    // bounded regardless, per role.
    public static readonly int MaxWorkers = Math.Max(32, 8 * Environment.ProcessorCount);

    private static readonly Pool ServerPool = new("dtls-handshake");
    private static readonly Pool ClientPool = new("dtls-client-handshake");

    public static int Workers => ServerPool.Workers + ClientPool.Workers;

    public static void Enqueue(Action handshake, DtlsRole role) => (role == DtlsRole.Client ? ClientPool : ServerPool).Enqueue(handshake);

    private sealed class Pool(string threadName)
    {
        private readonly BlockingCollection<Action> _work = new(new ConcurrentQueue<Action>());
        private readonly Lock _startGate = new();
        private int _workers;
        private int _idle;

        public int Workers => Volatile.Read(ref _workers);

        public void Enqueue(Action handshake)
        {
            _work.Add(handshake);
            // Start another worker when none is idle to take this one, up to the bound.
            if (Volatile.Read(ref _idle) > 0)
            {
                return;
            }

            lock (_startGate)
            {
                if (_workers >= MaxWorkers || Volatile.Read(ref _idle) > 0)
                {
                    return;
                }

                _workers++;
                new Thread(RunWorker) { IsBackground = true, Name = threadName }.Start();
            }
        }

        private void RunWorker()
        {
            while (true)
            {
                Interlocked.Increment(ref _idle);
                var handshake = _work.Take();
                Interlocked.Decrement(ref _idle);
                // The handshake guards itself (DtlsEndpoint.RunGuarded); a worker never dies.
                handshake();
            }
        }
    }
}
