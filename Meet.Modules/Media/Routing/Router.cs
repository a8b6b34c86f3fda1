using Meet.Modules.Media.Internal;

namespace Meet.Modules.Media.Routing;

// One meeting's media (mediasoup's Router): its participants, whose producers feed each other's
// consumers, and the meeting's selection (active speaker, last-N video, top-3 audio), decided once per
// tick. Mutated only under the module's control lock; the packet path reads only each consumer's
// paused flag.
internal sealed class Router(string meetingId, int lastN)
{
    public string MeetingId { get; } = meetingId;

    public List<MediaParticipant> Participants { get; } = [];

    public ConferenceSelector Selector { get; } = new(lastN);

    public ConferenceSelection Selection => Selector.Current;
}
