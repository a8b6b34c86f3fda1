using System.Diagnostics;
using Meet.Modules.Storage;

namespace Meet.Modules.Allocation.Internal;

internal sealed class ProcessNodeLoadSource(IParticipantRepository participants, TimeProvider clock) : INodeLoadSource
{
    private readonly Lock gate = new();
    private TimeSpan lastCpu = Process.GetCurrentProcess().TotalProcessorTime;
    private long lastTimestamp = clock.GetTimestamp();

    public async ValueTask<MediaServerLoad> SampleAsync(Guid serverId, CancellationToken cancellationToken)
    {
        var connections = await participants.CountConnectedAsync(serverId, cancellationToken).ConfigureAwait(false);
        return new MediaServerLoad(connections, EgressMbps: 0, SampleCpuPercent());
    }

    // Share of the whole machine this process used since the previous sample.
    private decimal SampleCpuPercent()
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var now = clock.GetTimestamp();
        lock (gate)
        {
            var wall = clock.GetElapsedTime(lastTimestamp, now);
            var used = cpu - lastCpu;
            lastCpu = cpu;
            lastTimestamp = now;
            if (wall <= TimeSpan.Zero)
                return 0m;
            var percent = used.TotalMilliseconds / (wall.TotalMilliseconds * Environment.ProcessorCount) * 100.0;
            return (decimal)Math.Clamp(percent, 0.0, 100.0);
        }
    }
}
