namespace Meet.Modules.Meetings;

// Bound from the configuration root: PublicBaseUrl is a top-level key (SPEC).
public sealed class MeetingsOptions
{
    // joinUrl = {PublicBaseUrl}/j/{meetingId}. Empty: the scheme and host of the request.
    public string? PublicBaseUrl { get; set; }
}
