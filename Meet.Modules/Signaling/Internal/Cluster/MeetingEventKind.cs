namespace Meet.Modules.Signaling.Internal.Cluster;

internal enum MeetingEventKind
{
    Roster = 1,
    Chat = 2,
    MeetingState = 3,
    Host = 4,
    Ended = 5,
}
