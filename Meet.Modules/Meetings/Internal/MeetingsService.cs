using System.Security.Cryptography;
using Meet.Modules.Allocation;
using Meet.Modules.Meetings.Internal.Contracts;
using Meet.Modules.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Meet.Modules.Meetings.Internal;

// The REST handlers: validate input, apply meeting policy, call storage and allocation.
internal sealed partial class MeetingsService(
    IMeetingRepository meetings,
    IParticipantRepository participants,
    IMediaNodeAllocator allocator,
    IMeetingTokens tokens,
    IMeetingRevocations revocations,
    IOptions<MeetingsOptions> options,
    IOptions<AuthOptions> authOptions,
    MeetingsMetrics metrics,
    TimeProvider clock,
    ILogger<MeetingsService> logger,
    TurnCredentialIssuer turn,
    IMeetingLocks locks,
    MeetingInvitations invitations,
    ExternalIdentityValidator externalIdentity,
    IOptions<Media.MediaOptions> mediaOptions,
    MeetingEndNotifications endNotifications,
    IOptions<NodeOptions> nodeOptions,
    ISignalingAddressSource? signalingAddress = null,
    IQualityLogRepository? qualityLogs = null)
{
    private const int MaxIdLength = 64;
    private const int MaxTitleLength = 256;
    private const int MaxDisplayNameLength = 128;
    private const int MaxRegionLength = 64;
    private const int MaxIdAttempts = 8;

    // Where the signaling module maps its SignalR hub; gRPC is at ISignalingAddressSource, else the base URL.
    internal const string SignalingHubPath = "/hubs/signaling";

    public async Task<IResult> CreateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (document, problem) = await JsonBody.ReadObjectAsync(request, optional: false, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return problem;
        string? hostId, title;
        bool allowGuests, defaultMuted, e2ee;
        Media.AudioMode audioMode;
        using (document)
        {
            var fields = new RequestFields(document!.RootElement);
            hostId = fields.String("hostId", required: true, MaxIdLength);
            title = fields.String("meetingTitle", required: true, MaxTitleLength);
            allowGuests = fields.Boolean("allowGuestJoin", defaultValue: false);
            defaultMuted = fields.Boolean("defaultMuted", defaultValue: false);
            audioMode = fields.Choice("audioMode", mediaOptions.Value.AudioMode);
            e2ee = fields.Boolean("e2ee", defaultValue: false);
            // The mixer decodes audio, which an end-to-end encrypted meeting keeps from the server: asked
            // for together they are refused; a configured default of mix yields to e2ee.
            if (e2ee && audioMode == Media.AudioMode.Mix)
            {
                if (fields.Has("audioMode"))
                    fields.Reject("audioMode", "must be \"forward\" when e2ee is true (the server cannot mix audio it cannot decrypt)");
                audioMode = Media.AudioMode.Forward;
            }
            if (fields.HasErrors)
                return fields.ToProblem();
        }

        var now = Now();
        for (var attempt = 0; attempt < MaxIdAttempts; attempt++)
        {
            var meeting = new MeetingSession(MeetingIdGenerator.Next(), title!, hostId!, allowGuests, defaultMuted,
                MeetingStatus.Active, now, EndedAt: null, MaxParticipantsCount: 0, audioMode, EndToEndEncrypted: e2ee);
            if (!await meetings.TryCreateAsync(meeting, cancellationToken).ConfigureAwait(false))
                continue;
            metrics.Created();
            LogCreated(meeting.MeetingId, hostId!);
            var token = tokens.Issue(meeting.MeetingId, hostId!, ParticipantRole.Host, participantId: null);
            return TypedResults.Created($"/v1/meetings/{meeting.MeetingId}",
                new CreateMeetingResponse(meeting.MeetingId, hostId!, JoinUrl(request, meeting.MeetingId), token.Token, now.UtcDateTime));
        }
        // 23^9 * 10^4 ids: eight collisions in a row means something else is wrong.
        throw new InvalidOperationException($"No free meeting id after {MaxIdAttempts} attempts.");
    }

    public async Task<IResult> GetAsync(string meetingId, HttpRequest request, CancellationToken cancellationToken)
    {
        var (meeting, problem) = await FindActiveAsync(meetingId, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return problem;
        // Existence is public (the join page says "does not exist" before asking for a name); the host,
        // title and settings need a token of this meeting.
        if (!request.Headers.ContainsKey(HeaderNames.Authorization))
            return TypedResults.Ok(new MeetingExistsResponse(meeting!.MeetingId, "active"));
        var (_, authProblem) = await AuthenticateAsync(request, meetingId).ConfigureAwait(false);
        return authProblem ?? TypedResults.Ok(ToResponse(meeting!, request));
    }

    // Host only: a signed, expiring invitation link that joins as participant (optionally single-use).
    public async Task<IResult> CreateInvitationAsync(string meetingId, HttpRequest request, CancellationToken cancellationToken)
    {
        var (token, authProblem) = await AuthenticateAsync(request, meetingId).ConfigureAwait(false);
        if (authProblem is not null)
            return authProblem;
        if (token!.Role != ParticipantRole.Host)
            return Problem(StatusCodes.Status403Forbidden, "Host only", "Only the meeting's host can invite.");
        var (document, bodyProblem) = await JsonBody.ReadObjectAsync(request, optional: true, cancellationToken).ConfigureAwait(false);
        if (bodyProblem is not null)
            return bodyProblem;
        var singleUse = false;
        var minutes = (int)Math.Min(43_200, authOptions.Value.InvitationLifetime.TotalMinutes);
        using (document)
        {
            if (document is not null)
            {
                var fields = new RequestFields(document.RootElement);
                singleUse = fields.Boolean("singleUse", defaultValue: false);
                minutes = fields.Integer("expiresInMinutes", defaultValue: minutes, minimum: 1, maximum: 43_200);
                if (fields.HasErrors)
                    return fields.ToProblem();
            }
        }
        var (_, problem) = await FindActiveAsync(meetingId, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return problem;
        var (invitation, expiresAt) = invitations.Issue(meetingId, TimeSpan.FromMinutes(minutes), singleUse);
        return TypedResults.Created($"/v1/meetings/{meetingId}/invitations",
            new InvitationResponse(invitation, $"{JoinUrl(request, meetingId)}?invite={Uri.EscapeDataString(invitation)}", expiresAt.UtcDateTime, singleUse));
    }

    public async Task<IResult> JoinAsync(string meetingId, HttpRequest request, CancellationToken cancellationToken)
    {
        string? userId, displayName, region, invitation;
        var (document, bodyProblem) = await JsonBody.ReadObjectAsync(request, optional: true, cancellationToken).ConfigureAwait(false);
        if (bodyProblem is not null)
            return bodyProblem;
        using (document)
        {
            if (document is null)
            {
                (userId, displayName, region, invitation) = (null, null, null, null);
            }
            else
            {
                var fields = new RequestFields(document.RootElement);
                userId = fields.String("userId", required: false, MaxIdLength);
                displayName = fields.String("displayName", required: false, MaxDisplayNameLength);
                region = fields.String("region", required: false, MaxRegionLength);
                invitation = fields.String("invitation", required: false, 4096);
                if (fields.HasErrors)
                    return fields.ToProblem();
            }
        }

        // Who is joining (docs/security.md "Identity"): a bearer token is optional, but when sent it must
        // be valid — this meeting's own token (a rejoin keeps identity and role; the host's) or one of the
        // external issuer (Auth:External: its user joins as itself). Then an invitation joins as
        // participant. Anyone else is a guest. A userId in the body is never an identity.
        MeetingToken? presented = null;
        string? externalUser = null;
        if (request.Headers.ContainsKey(HeaderNames.Authorization))
        {
            var bearer = BearerOf(request);
            if (bearer is not null && externalIdentity.Enabled && await tokens.ValidateAsync(bearer).ConfigureAwait(false) is null)
                externalUser = await externalIdentity.ValidateAsync(bearer, cancellationToken).ConfigureAwait(false);
            if (externalUser is null)
            {
                var (token, authProblem) = await AuthenticateAsync(request, meetingId).ConfigureAwait(false);
                if (authProblem is not null)
                    return authProblem;
                presented = token;
            }
        }

        var (meeting, problem) = await FindActiveAsync(meetingId, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return problem;

        // A locked meeting admits nobody new; its own tokens (the host, a participant reconnecting) still work.
        if (presented is null && locks.IsLocked(meetingId))
        {
            metrics.JoinRefused("locked");
            return Problem(StatusCodes.Status403Forbidden, "Meeting locked", "The host has locked this meeting: nobody new can join.");
        }

        ParticipantRole role;
        if (presented is not null)
        {
            role = presented.Role;
            userId = presented.UserId;
        }
        else if (externalUser is not null)
        {
            role = ParticipantRole.Participant;
            userId = externalUser;
        }
        else if (invitation is not null)
        {
            if (!await invitations.TryRedeemAsync(invitation, meetingId).ConfigureAwait(false))
            {
                metrics.JoinRefused("bad_invitation");
                return Problem(StatusCodes.Status403Forbidden, "Invitation not valid", "The invitation is expired, already used, for another meeting or not signed by this server.");
            }
            role = ParticipantRole.Participant;
            userId = "invited-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        }
        else if (meeting!.AllowGuestJoin)
        {
            role = ParticipantRole.Guest;
            userId = "guest-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        }
        else
        {
            metrics.JoinRefused("guests_not_allowed");
            return Problem(StatusCodes.Status403Forbidden, "Guests not allowed", "This meeting admits only invited or signed-in people: ask the host for an invitation link.");
        }

        var node = await allocator.AllocateForJoinAsync(meetingId, region, cancellationToken).ConfigureAwait(false);
        if (node is null)
        {
            metrics.JoinRefused("no_media_node");
            LogNoMediaNode(meetingId, region);
            request.HttpContext.Response.Headers.RetryAfter = "1";
            return Problem(StatusCodes.Status503ServiceUnavailable, "No media server available",
                "No media server has sent a heartbeat recently; retry shortly.");
        }

        var participant = new MeetingParticipant(Guid.NewGuid(), meetingId, userId, displayName, role,
            ParticipantConnectionStatus.Connecting, node.ServerId, Now());
        var admission = await participants.AdmitAsync(participant, cancellationToken).ConfigureAwait(false);
        if (!admission.Admitted)
        {
            metrics.JoinRefused("ended");
            return Gone(meetingId);
        }

        var roleName = JwtMeetingTokens.RoleName(role);
        metrics.Joined(roleName);
        var issued = tokens.Issue(meetingId, userId, role, participant.ParticipantId);
        var baseUrl = BaseUrl(request);
        return TypedResults.Ok(new JoinMeetingResponse(
            meetingId,
            participant.ParticipantId,
            userId,
            roleName,
            issued.Token,
            issued.ExpiresAt.UtcDateTime,
            Muted: role != ParticipantRole.Host && meeting!.DefaultMuted,
            new SignalingEndpoints(baseUrl + SignalingHubPath, GrpcUrl(request, baseUrl), [.. nodeOptions.Value.SignalingFallbacks.Select(url => url.TrimEnd('/') + SignalingHubPath)]),
            new MediaNodeResponse(node.ServerId, node.IpAddress, node.Region),
            turn.IceServersFor(participant.ParticipantId.ToString()),
            meeting!.EndToEndEncrypted));
    }

    public async Task<IResult> EndAsync(string meetingId, HttpRequest request, CancellationToken cancellationToken)
    {
        var (token, authProblem) = await AuthenticateAsync(request, meetingId).ConfigureAwait(false);
        if (authProblem is not null)
            return authProblem;
        if (token!.Role != ParticipantRole.Host)
            return Problem(StatusCodes.Status403Forbidden, "Host only", "Only the meeting's host can end it.");
        var (meeting, problem) = await FindActiveAsync(meetingId, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return problem;

        var endedAt = Now();
        if (!await meetings.TryEndAsync(meetingId, endedAt, cancellationToken).ConfigureAwait(false))
            return Gone(meetingId);
        metrics.Ended();
        LogEnded(meetingId);
        endNotifications.Ended(meetingId);
        return TypedResults.Ok(ToResponse(meeting! with { Status = MeetingStatus.Ended, EndedAt = endedAt }, request));
    }

    public async Task<IResult> ListParticipantsAsync(string meetingId, HttpRequest request, CancellationToken cancellationToken)
    {
        var (_, authProblem) = await AuthenticateAsync(request, meetingId).ConfigureAwait(false);
        if (authProblem is not null)
            return authProblem;
        var (_, problem) = await FindActiveAsync(meetingId, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return problem;
        var list = await participants.ListAsync(meetingId, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new ParticipantsResponse(meetingId, list.Select(p => new ParticipantResponse(
            p.ParticipantId, p.UserId, p.DisplayName, JwtMeetingTokens.RoleName(p.Role),
            p.ConnectionStatus.ToString().ToLowerInvariant(), p.AssignedMediaServerId, p.JoinTime.UtcDateTime)).ToList()));
    }

    // Host only: the participant's tokens are revoked at once (every later REST call and signaling
    // connect with them fails) and its open signaling session is closed.
    public async Task<IResult> RemoveParticipantAsync(string meetingId, string participantId, HttpRequest request, CancellationToken cancellationToken)
    {
        var (token, authProblem) = await AuthenticateAsync(request, meetingId).ConfigureAwait(false);
        if (authProblem is not null)
            return authProblem;
        if (token!.Role != ParticipantRole.Host)
            return Problem(StatusCodes.Status403Forbidden, "Host only", "Only the meeting's host can remove a participant.");
        var (_, problem) = await FindActiveAsync(meetingId, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            return problem;
        if (!Guid.TryParse(participantId, out var id))
            return Problem(StatusCodes.Status404NotFound, "Participant not found", $"There is no participant '{Truncate(participantId)}' in this meeting.");
        var list = await participants.ListAsync(meetingId, cancellationToken).ConfigureAwait(false);
        if (!list.Any(p => p.ParticipantId == id))
            return Problem(StatusCodes.Status404NotFound, "Participant not found", $"There is no participant '{id}' in this meeting.");
        revocations.RevokeParticipant(meetingId, id);
        await participants.SetConnectionStatusAsync(id, ParticipantConnectionStatus.Disconnected, Now(), cancellationToken).ConfigureAwait(false);
        metrics.Removed();
        LogRemoved(id, meetingId);
        return TypedResults.NoContent();
    }

    private static string? BearerOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    private async Task<(MeetingToken? Token, IResult? Problem)> AuthenticateAsync(HttpRequest request, string meetingId)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            request.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return (null, Problem(StatusCodes.Status401Unauthorized, "Token required", "Send the meeting's access token as 'Authorization: Bearer <token>'."));
        }
        var token = await tokens.ValidateAsync(header["Bearer ".Length..].Trim()).ConfigureAwait(false);
        if (token is null)
        {
            request.HttpContext.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return (null, Problem(StatusCodes.Status401Unauthorized, "Invalid token", "The access token is malformed, expired, revoked or not signed by this server."));
        }
        if (!string.Equals(token.MeetingId, meetingId, StringComparison.Ordinal))
            return (null, Problem(StatusCodes.Status403Forbidden, "Wrong meeting", "The access token belongs to another meeting."));
        return (token, null);
    }

    private async Task<(MeetingSession? Meeting, IResult? Problem)> FindActiveAsync(string meetingId, CancellationToken cancellationToken)
    {
        // Ids this server never issues cannot exist: answer without a database round trip.
        var meeting = MeetingIdGenerator.IsWellFormed(meetingId)
            ? await meetings.FindAsync(meetingId, cancellationToken).ConfigureAwait(false)
            : null;
        if (meeting is null)
            return (null, Problem(StatusCodes.Status404NotFound, "Meeting not found", $"There is no meeting '{Truncate(meetingId)}'."));
        if (meeting.Status == MeetingStatus.Ended)
            return (meeting, Gone(meetingId));
        return (meeting, null);
    }

    private MeetingResponse ToResponse(MeetingSession meeting, HttpRequest request) => new(
        meeting.MeetingId, meeting.HostUserId, meeting.Title, meeting.Status.ToString().ToLowerInvariant(),
        meeting.AllowGuestJoin, meeting.DefaultMuted, JoinUrl(request, meeting.MeetingId),
        meeting.CreatedAt.UtcDateTime, meeting.EndedAt?.UtcDateTime, meeting.MaxParticipantsCount, AudioModeText(meeting.AudioMode), meeting.EndToEndEncrypted);

    private static string AudioModeText(Media.AudioMode mode) => mode.ToString().ToLowerInvariant();

    // A gRPC endpoint bound to a wildcard or loopback address is announced under the host name the client
    // used for this request (localhost stays localhost, a LAN address stays that address), never a mix.
    private string GrpcUrl(HttpRequest request, string baseUrl)
    {
        if (signalingAddress?.GrpcAddress is not { } grpc)
            return baseUrl;
        if (!System.Net.IPAddress.TryParse(grpc.Host.Trim('[', ']'), out var bound) ||
            !(System.Net.IPAddress.IsLoopback(bound) || bound.Equals(System.Net.IPAddress.Any) || bound.Equals(System.Net.IPAddress.IPv6Any)))
            return grpc.ToString().TrimEnd('/');
        return new UriBuilder(grpc.Scheme, request.Host.Host, grpc.Port).Uri.ToString().TrimEnd('/');
    }

    private string JoinUrl(HttpRequest request, string meetingId) => $"{BaseUrl(request)}/j/{meetingId}";

    private string BaseUrl(HttpRequest request) =>
        string.IsNullOrEmpty(options.Value.PublicBaseUrl)
            ? $"{request.Scheme}://{request.Host}"
            : options.Value.PublicBaseUrl.TrimEnd('/');

    // PostgreSQL keeps microseconds and JSON clients milliseconds: store what every reader sees.
    private DateTimeOffset Now()
    {
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
    }

    private static IResult Gone(string meetingId) =>
        Problem(StatusCodes.Status410Gone, "Meeting ended", $"The meeting '{meetingId}' has ended.");

    private static IResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Meeting {MeetingId} created by {HostId}")]
    private partial void LogCreated(string meetingId, string hostId);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Meeting {MeetingId} ended by its host")]
    private partial void LogEnded(string meetingId);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Participant {ParticipantId} removed from {MeetingId}; its tokens are revoked")]
    private partial void LogRemoved(Guid participantId, string meetingId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "No media node for a join of {MeetingId} (region {Region})")]
    private partial void LogNoMediaNode(string meetingId, string? region);
}
