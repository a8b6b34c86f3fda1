namespace Meet.Modules.Client.Media;

// A track the server offered on the subscriber PeerConnection; StreamId is the publisher's participant id.
public sealed record ClientRemoteTrack(string Mid, string Kind, uint Ssrc, string StreamId, string TrackId);
