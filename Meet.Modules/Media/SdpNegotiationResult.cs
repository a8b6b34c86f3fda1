namespace Meet.Modules.Media;

// ErrorCode uses the codes shared with signaling: 400 malformed/unsupported SDP, 409 wrong negotiation
// state, 410 participant left, 500 internal.
public readonly record struct SdpNegotiationResult(bool Succeeded, string? Sdp, int ErrorCode, string? ErrorMessage)
{
    public static SdpNegotiationResult Success(string? sdp) => new(true, sdp, 0, null);

    public static SdpNegotiationResult Failure(int errorCode, string message) => new(false, null, errorCode, message);
}
