namespace Meet.Modules.Media;

// ErrorCode uses the codes shared with signaling: 400 malformed/unsupported SDP, 409 wrong negotiation
// state, 410 participant left, 500 internal.
public readonly record struct SdpNegotiationResult(bool Succeeded, string? Sdp, int ErrorCode, string? ErrorMessage)
{
    // Set on success when the answer refused some offered m-sections (issue 12): signaling reports it
    // to the client as a coded error while the rest of the answer still applies.
    public string? Warning { get; init; }

    public static SdpNegotiationResult Success(string? sdp) => new(true, sdp, 0, null);

    public static SdpNegotiationResult Success(string? sdp, string? warning) => new(true, sdp, 0, null) { Warning = warning };

    public static SdpNegotiationResult Failure(int errorCode, string message) => new(false, null, errorCode, message);
}
