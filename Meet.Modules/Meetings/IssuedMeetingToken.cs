namespace Meet.Modules.Meetings;

public readonly record struct IssuedMeetingToken(string Token, DateTimeOffset ExpiresAt);
