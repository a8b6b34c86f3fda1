namespace Meet.Modules.Meetings.Internal.Contracts;

internal sealed record InvitationResponse(string Invitation, string JoinUrl, DateTime ExpiresAt, bool SingleUse);
