namespace Meet.Modules.Signaling;

// Shared by both transports and the media module (ISSUE5 contract 1).
public static class SignalingErrorCodes
{
    public const int BadRequest = 400;
    public const int Unauthorized = 401;
    public const int Forbidden = 403;
    public const int NotFound = 404;
    public const int HeartbeatTimeout = 408;
    public const int WrongState = 409;
    public const int MeetingEnded = 410;
    public const int TooLarge = 413;
    // An offered m-section was refused (no common codec, unsupported media or protocol); the rest of
    // the answer applies. Sent as an Error event next to the answer.
    public const int UnsupportedMedia = 415;
    public const int RateLimited = 429;
    public const int Internal = 500;
    public const int MediaUnavailable = 503;
}
