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
}
