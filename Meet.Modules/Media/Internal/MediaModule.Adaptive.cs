namespace Meet.Modules.Media.Internal;

// Issue 11: adaptive media's view into the module (tests, metrics, quality logs).
internal sealed partial class MediaModule
{
    public MediaParticipant? FindParticipant(string meetingId, string participantId)
    {
        lock (Control)
            return _routers.TryGetValue(meetingId, out var router)
                ? router.Participants.FirstOrDefault(p => p.ParticipantId == participantId)
                : null;
    }
}
