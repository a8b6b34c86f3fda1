namespace Meet.Modules.Client;

public sealed record MeetingCreated(string MeetingId, string HostId, string JoinUrl, string AccessToken);
