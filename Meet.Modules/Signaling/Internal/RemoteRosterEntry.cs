namespace Meet.Modules.Signaling.Internal;

// A member of the meeting whose connection another signaling node holds (issue 15): shown in this node's
// roster, never sent to. TouchedAt: when an event or a check last confirmed it (Stopwatch timestamp).
internal sealed record RemoteRosterEntry(ParticipantInfo Info, string NodeId, long TouchedAt);
