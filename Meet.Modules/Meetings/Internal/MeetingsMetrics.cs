using System.Diagnostics.Metrics;

namespace Meet.Modules.Meetings.Internal;

internal sealed class MeetingsMetrics
{
    public const string MeterName = "Meet.Meetings";

    private readonly Counter<long> created;
    private readonly Counter<long> joined;
    private readonly Counter<long> ended;
    private readonly Counter<long> joinsRefused;
    private readonly Counter<long> removed;

    public MeetingsMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        created = meter.CreateCounter<long>("meet.meetings.created", description: "Meetings created");
        joined = meter.CreateCounter<long>("meet.meetings.joined", description: "Participants admitted, by role");
        ended = meter.CreateCounter<long>("meet.meetings.ended", description: "Meetings ended by their host");
        joinsRefused = meter.CreateCounter<long>("meet.meetings.joins_refused", description: "Joins refused, by reason");
        removed = meter.CreateCounter<long>("meet.meetings.participants_removed", description: "Participants removed by a host (tokens revoked)");
    }

    public void Created() => created.Add(1);

    public void Removed() => removed.Add(1);

    public void Joined(string role) => joined.Add(1, new KeyValuePair<string, object?>("role", role));

    public void Ended() => ended.Add(1);

    public void JoinRefused(string reason) => joinsRefused.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
