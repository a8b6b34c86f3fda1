using System.Diagnostics;
using Meet.Modules.Media.Bandwidth;
using Meet.Modules.Media.Transport;

namespace Meet.Modules.Media.Internal;

// Sends the probe clusters' padding (issue 11) paced every 5 ms while any cluster runs, so a cluster is
// a train spread over its ~40 ms, not one burst no clock could time; idle (no timer tick at all) otherwise.
// Its own thread-pool tick: it sends through the shared MediaSender and flushes its per-thread batch.
internal sealed class ProbePacer : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(5);

    private readonly MediaSender _sender;
    private readonly Lock _lock = new();
    private readonly Lock _running = new();
    private readonly List<SubscriberDownlink> _active = [];
    private readonly ITimer _timer;
    private SubscriberDownlink[] _snapshot = [];
    private bool _ticking;

    public ProbePacer(MediaSender sender, TimeProvider time)
    {
        _sender = sender;
        _timer = time.CreateTimer(static s => ((ProbePacer)s!).OnTick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public int Active
    {
        get
        {
            lock (_lock)
                return _active.Count;
        }
    }

    public void Start(SubscriberDownlink downlink)
    {
        lock (_lock)
        {
            if (!_active.Contains(downlink))
                _active.Add(downlink);
            if (_ticking)
                return;
            _ticking = true;
            _timer.Change(TimeSpan.Zero, Interval);
        }
    }

    private void OnTick()
    {
        // A tick that finds the previous one still running (a loaded machine) skips rather than piles up.
        if (!_running.TryEnter())
            return;
        try
        {
            SubscriberDownlink[] downlinks;
            lock (_lock)
            {
                if (_snapshot.Length != _active.Count)
                    _snapshot = [.. _active];
                else
                    _active.CopyTo(_snapshot);
                downlinks = _snapshot;
            }
            var now = Stopwatch.GetTimestamp();
            foreach (var downlink in downlinks)
            {
                bool running;
                try
                {
                    running = downlink.SendProbePadding(_sender, now);
                }
                catch (ObjectDisposedException)
                {
                    // The subscriber left while its cluster ran.
                    running = false;
                }
                if (!running)
                {
                    lock (_lock)
                        _active.Remove(downlink);
                }
            }
            _sender.Flush();
            lock (_lock)
            {
                if (_active.Count == 0 && _ticking)
                {
                    _ticking = false;
                    _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                }
            }
        }
        finally
        {
            _running.Exit();
        }
    }

    public void Dispose() => _timer.Dispose();
}
