using Meet.Modules.Media.Internal;

namespace Meet.Modules.Media.Routing;

// One meeting's media (mediasoup's Router): its participants, whose producers feed each other's
// consumers. Mutated only under the module's control lock; the packet path never looks here.
internal sealed class Router
{
    public Router(string meetingId) => MeetingId = meetingId;

    public string MeetingId { get; }

    public List<MediaParticipant> Participants { get; } = [];
}
