namespace Meet.Modules.Meetings.Internal.Contracts;

// One RTCIceServer (W3C WebRTC §4.2.2) as the page passes it to RTCPeerConnection unchanged.
internal sealed record IceServerResponse(IReadOnlyList<string> Urls, string? Username, string? Credential);
