using Meet.Modules.Meetings;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Meet.Modules.Signaling.Internal;

// Closes the open session of a participant whose tokens were just revoked: token validation already
// refuses its next connect, this ends the connection it holds now (and frees its media).
internal sealed partial class RevocationEnforcer(IMeetingRevocations revocations, SessionRegistry registry, ILogger<RevocationEnforcer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        revocations.ParticipantRevoked += OnRevoked;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        revocations.ParticipantRevoked -= OnRevoked;
        return Task.CompletedTask;
    }

    private void OnRevoked(string meetingId, Guid participantId) => _ = CloseAsync(meetingId, participantId.ToString("D"));

    private async Task CloseAsync(string meetingId, string participantId)
    {
        foreach (var session in registry.SessionsOf(meetingId))
        {
            if (!string.Equals(session.ParticipantId, participantId, StringComparison.Ordinal))
                continue;
            try
            {
                session.Peer.SendError(SignalingErrorCodes.Forbidden, "you were removed from the meeting");
                session.Peer.Close();
                await registry.LeaveAsync(session).ConfigureAwait(false);
                LogClosed(participantId, meetingId);
            }
            catch (Exception ex)
            {
                LogCloseFailed(ex, participantId, meetingId);
            }
        }
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Closed the session of removed participant {ParticipantId} of {MeetingId}")]
    private partial void LogClosed(string participantId, string meetingId);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Could not close the session of removed participant {ParticipantId} of {MeetingId}")]
    private partial void LogCloseFailed(Exception ex, string participantId, string meetingId);
}
