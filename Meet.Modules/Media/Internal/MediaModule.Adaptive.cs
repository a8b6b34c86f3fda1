using Meet.Modules.Media.Routing;

namespace Meet.Modules.Media.Internal;

// Issue 11: adaptive media's view into the module (tests, metrics, quality logs).
internal sealed partial class MediaModule
{
    public RouterMember? FindMember(string meetingId, string participantId)
    {
        if (FindRouter(meetingId) is not { } router)
            return null;
        using (router.Enter())
            return router.Members.FirstOrDefault(m => m.ParticipantId == participantId);
    }

    // Every subscriber's downlink estimate that feedback has set (bits per second), for /metrics.
    public List<double> SubscriberEstimates()
    {
        var estimates = new List<double>();
        foreach (var router in SnapshotRouters())
        {
            using (router.Enter())
            {
                foreach (var member in router.Members)
                {
                    if (member.Subscriber.Downlink is { HasFeedback: true } downlink)
                        estimates.Add(downlink.Estimate);
                }
            }
        }
        return estimates;
    }
}
