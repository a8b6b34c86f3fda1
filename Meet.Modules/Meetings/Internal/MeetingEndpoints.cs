using Meet.Modules.Meetings.Internal.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Meet.Modules.Meetings.Internal;

internal static class MeetingEndpoints
{
    public const string JoinRateLimitPolicy = "meetings-join";

    public static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1/meetings").WithTags("Meetings");

        group.MapPost("/", (HttpRequest request, MeetingsService service, CancellationToken ct) => service.CreateAsync(request, ct))
            .WithName("CreateMeeting")
            .Accepts<CreateMeetingRequest>("application/json")
            .Produces<CreateMeetingResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        group.MapGet("/{meetingId}", (string meetingId, HttpRequest request, MeetingsService service, CancellationToken ct) => service.GetAsync(meetingId, request, ct))
            .WithName("GetMeeting")
            .Produces<MeetingResponse>()
            .ProducesMeetingAccessProblems()
            .ProducesProblem(StatusCodes.Status410Gone);

        group.MapPost("/{meetingId}/join", (string meetingId, HttpRequest request, MeetingsService service, CancellationToken ct) => service.JoinAsync(meetingId, request, ct))
            .WithName("JoinMeeting")
            .RequireRateLimiting(JoinRateLimitPolicy)
            .Accepts<JoinMeetingRequest>("application/json")
            .Produces<JoinMeetingResponse>()
            .ProducesValidationProblem()
            .ProducesMeetingAccessProblems()
            .ProducesProblem(StatusCodes.Status410Gone)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPost("/{meetingId}/invitations", (string meetingId, HttpRequest request, MeetingsService service, CancellationToken ct) => service.CreateInvitationAsync(meetingId, request, ct))
            .WithName("CreateInvitation")
            .Produces<InvitationResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesMeetingAccessProblems()
            .ProducesProblem(StatusCodes.Status410Gone);

        group.MapPost("/{meetingId}/end", (string meetingId, HttpRequest request, MeetingsService service, CancellationToken ct) => service.EndAsync(meetingId, request, ct))
            .WithName("EndMeeting")
            .Produces<MeetingResponse>()
            .ProducesMeetingAccessProblems()
            .ProducesProblem(StatusCodes.Status410Gone);

        group.MapGet("/{meetingId}/participants", (string meetingId, HttpRequest request, MeetingsService service, CancellationToken ct) => service.ListParticipantsAsync(meetingId, request, ct))
            .WithName("ListParticipants")
            .Produces<ParticipantsResponse>()
            .ProducesMeetingAccessProblems()
            .ProducesProblem(StatusCodes.Status410Gone);

        group.MapGet("/{meetingId}/quality", (string meetingId, HttpRequest request, MeetingsService service, CancellationToken ct) => service.ListQualityAsync(meetingId, request, ct))
            .WithName("ListQualityLogs")
            .Produces<QualityLogsResponse>()
            .ProducesValidationProblem()
            .ProducesMeetingAccessProblems();

        group.MapDelete("/{meetingId}/participants/{participantId}", (string meetingId, string participantId, HttpRequest request, MeetingsService service, CancellationToken ct) => service.RemoveParticipantAsync(meetingId, participantId, request, ct))
            .WithName("RemoveParticipant")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesMeetingAccessProblems()
            .ProducesProblem(StatusCodes.Status410Gone);

        return group;
    }

    // Every route under /{meetingId} checks the caller's token (401), its rights in the meeting (403)
    // and that the meeting exists (404) before anything else.
    private static RouteHandlerBuilder ProducesMeetingAccessProblems(this RouteHandlerBuilder route) => route
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound);
}
