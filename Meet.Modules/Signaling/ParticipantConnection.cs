namespace Meet.Modules.Signaling;

// A participant's connection state in the roster (issue 13), worst first: media_failed when its
// ICE/DTLS failed, reconnecting while its media path is lost or its signaling has been silent for
// two thirds of Signaling:HeartbeatTimeout (it is dropped at the timeout), else connected.
public static class ParticipantConnection
{
    public const string Connected = "connected";
    public const string Reconnecting = "reconnecting";
    public const string MediaFailed = "media_failed";
}
