namespace Meet.Benchmarks.Meeting;

// One measured configuration: Meetings meetings, each with Cameras (video + audio publishers),
// Microphones (audio publishers, silent unless talkers are on) and Viewers (subscribe only). Churn
// participants per second leave and are replaced during the measured window.
internal sealed record MeetingStep(string Name, int Meetings, int Cameras, int Microphones, int Viewers, double ChurnPerSecond = 0)
{
    public int ParticipantsPerMeeting => Cameras + Microphones + Viewers;

    public int Participants => Meetings * ParticipantsPerMeeting;
}

internal sealed record MeetingScenario(string Name, string Description, IReadOnlyList<MeetingStep> Steps, MediaProfile Media);
