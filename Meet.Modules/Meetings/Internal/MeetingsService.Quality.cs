using Meet.Modules.Meetings.Internal.Contracts;
using Meet.Modules.Storage;
using Microsoft.AspNetCore.Http;

namespace Meet.Modules.Meetings.Internal;

// Issue 11: GET /v1/meetings/{id}/quality — the meeting's participant_quality_logs, newest first, for
// its host (support and operations read why a call went bad). Paged by log id: ?limit=1..500 (100) and
// ?before=<nextBefore of the previous page>. An ended meeting's logs stay readable.
internal sealed partial class MeetingsService
{
    public const int DefaultQualityPageSize = 100;

    public async Task<IResult> ListQualityAsync(string meetingId, HttpRequest request, CancellationToken cancellationToken)
    {
        var (token, authProblem) = await AuthenticateAsync(request, meetingId).ConfigureAwait(false);
        if (authProblem is not null)
            return authProblem;
        if (token!.Role != ParticipantRole.Host)
            return Problem(StatusCodes.Status403Forbidden, "Host only", "Only the meeting's host can read its quality logs.");
        var errors = new Dictionary<string, string[]>();
        var limit = DefaultQualityPageSize;
        long? before = null;
        if (request.Query.TryGetValue("limit", out var limitText)
            && (!int.TryParse(limitText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit) || limit is < 1 or > QualityLogPageMax))
            errors["limit"] = [$"must be a whole number from 1 to {QualityLogPageMax}"];
        if (request.Query.TryGetValue("before", out var beforeText))
        {
            if (long.TryParse(beforeText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0)
                before = value;
            else
                errors["before"] = ["must be a positive log id (nextBefore of the previous page)"];
        }
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors, title: "The request has invalid fields.");
        var meeting = MeetingIdGenerator.IsWellFormed(meetingId) ? await meetings.FindAsync(meetingId, cancellationToken).ConfigureAwait(false) : null;
        if (meeting is null)
            return Problem(StatusCodes.Status404NotFound, "Meeting not found", $"There is no meeting '{Truncate(meetingId)}'.");
        if (qualityLogs is null)
            return Problem(StatusCodes.Status503ServiceUnavailable, "No storage", "This node stores no quality logs.");
        var logs = await qualityLogs.ListAsync(meetingId, before, limit, cancellationToken).ConfigureAwait(false);
        var next = logs.Count == limit ? logs[^1].LogId : (long?)null;
        return TypedResults.Ok(new QualityLogsResponse(meetingId, logs.Select(l => new QualityLogResponse(l.LogId, l.UserId, l.EventType,
            l.PacketLossPercentage, l.LatencyRttMs, l.CodecInUse, l.CreatedAt.UtcDateTime)).ToList(), next));
    }

    private const int QualityLogPageMax = 500;
}
