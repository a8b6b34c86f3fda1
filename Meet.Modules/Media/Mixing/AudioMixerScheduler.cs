using System.Diagnostics;
using Meet.Modules.Media.Transport;
using Microsoft.Extensions.Logging;

namespace Meet.Modules.Media.Mixing;

// Drives every meeting's mixer off the packet path: one clock thread on a non-drifting 20 ms
// FrameClock queues owed mixers; a fixed pool of worker threads mixes them. A meeting that falls behind
// skips frames; it sheds a speaker only while the mixers' measured CPU overloads the pool (IsOverloaded). The workers share the
// module's MediaSender, whose batch is per thread and owned by the sender that filled it: a worker's
// packets go into its own thread's batch and the worker flushes it at the end of every frame
// (AudioMixer.MixOwnedFrame), so no mixed packet waits for another thread (AudioMixerSchedulerTests). The queue is bounded by the number of mixers (a mixer is
// queued at most once), so a slow meeting costs its own frames (AudioMixer.Schedule), never the others'.
// Threads start with the first mixing meeting and stop with the module.
internal sealed partial class AudioMixerScheduler : IDisposable
{
    private readonly MediaSender _sender;
    private readonly ILogger _logger;
    private readonly int _workerCount;
    private readonly Lock _lock = new();
    private readonly Queue<AudioMixer> _queue = new();
    private AudioMixer[] _mixers = [];
    private Thread? _clock;
    private Thread[] _workers = [];
    private volatile bool _stopping;
    private long _errors;

    public AudioMixerScheduler(MediaSender sender, ILogger logger, int workerCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workerCount, 1);
        _sender = sender;
        _logger = logger;
        _workerCount = workerCount;
    }

    // The mixers' own CPU must need at least this share of the workers' cores before a late meeting
    // sheds a speaker: below it a late frame means the machine kept the mixer off the cores.
    public const double OverloadShare = 0.5;

    public int MixerCount => Volatile.Read(ref _mixers).Length;

    // True when the mixing meetings' measured CPU per frame, 50 frames a second each, needs at least
    // OverloadShare of `workers` cores: then falling behind is the mixers' own doing, and dropping a
    // speaker (a decode, and the encode of its minus-one) is what lets the pool catch up.
    public static bool IsOverloaded(ReadOnlySpan<AudioMixer> mixers, int workers)
    {
        var demand = 0.0;
        foreach (var mixer in mixers)
            demand += mixer.CpuPerFrameNanoseconds * (1000.0 / MixFormat.FrameMilliseconds);
        return demand >= OverloadShare * workers * 1e9;
    }

    public long Errors => Interlocked.Read(ref _errors);

    public void Add(AudioMixer mixer)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            Volatile.Write(ref _mixers, [.. _mixers, mixer]);
            mixer.Scheduler = this;
            if (_clock is null)
                StartThreads();
        }
    }

    public void Remove(AudioMixer mixer)
    {
        lock (_lock)
            Volatile.Write(ref _mixers, _mixers.Where(m => m != mixer).ToArray());
    }

    private void StartThreads()
    {
        _workers = new Thread[_workerCount];
        for (var i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"meet-mix-{i}" };
            _workers[i].Start();
        }
        _clock = new Thread(ClockLoop) { IsBackground = true, Name = "meet-mix-clock", Priority = ThreadPriority.AboveNormal };
        _clock.Start();
    }

    private void ClockLoop()
    {
        var clock = new FrameClock(Stopwatch.GetTimestamp(), MixFormat.FramePeriodTicks);
        while (!_stopping)
        {
            var now = Stopwatch.GetTimestamp();
            var due = clock.Due(now, out var stalled);
            if (due == 0)
            {
                var wait = (clock.NextDeadline - now) * 1000 / Stopwatch.Frequency;
                if (wait >= 1)
                    Thread.Sleep((int)wait);
                else
                    Thread.Yield();
                continue;
            }
            var mixers = Volatile.Read(ref _mixers);
            var overloaded = IsOverloaded(mixers, _workerCount);
            // The newest frame now owed was due one period before the next deadline.
            var deadline = clock.NextDeadline - MixFormat.FramePeriodTicks;
            foreach (var mixer in mixers)
            {
                for (var s = 0; s < stalled; s++)
                    mixer.OnFrameSkipped(mixerLate: false);
                if (mixer.Schedule(due, overloaded, deadline))
                    Enqueue(mixer);
            }
        }
    }

    private void Enqueue(AudioMixer mixer)
    {
        lock (_queue)
        {
            _queue.Enqueue(mixer);
            Monitor.Pulse(_queue);
        }
    }

    private void WorkerLoop()
    {
        while (true)
        {
            AudioMixer mixer;
            lock (_queue)
            {
                while (_queue.Count == 0)
                {
                    if (_stopping)
                        return;
                    Monitor.Wait(_queue);
                }
                mixer = _queue.Dequeue();
            }
            try
            {
                mixer.RunOwedFrames(_sender);
            }
            catch (Exception e)
            {
                // A bug in one meeting's mix must not stop the pool: logged, counted, the mixer carries on.
                Interlocked.Increment(ref _errors);
                LogMixFailed(e, mixer.MeetingId);
            }
        }
    }

    [LoggerMessage(EventId = 1701, Level = LogLevel.Error, Message = "Mixing a frame of meeting {MeetingId} failed")]
    private partial void LogMixFailed(Exception exception, string meetingId);

    public void Dispose()
    {
        Thread? clock;
        Thread[] workers;
        lock (_lock)
        {
            _stopping = true;
            clock = _clock;
            workers = _workers;
        }
        lock (_queue)
            Monitor.PulseAll(_queue);
        clock?.Join();
        foreach (var worker in workers)
            worker.Join();
    }
}
