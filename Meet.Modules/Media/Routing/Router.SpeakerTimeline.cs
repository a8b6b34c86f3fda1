using System.Diagnostics;

namespace Meet.Modules.Media.Routing;

// Issue 10 "Measure": each dominant-speaker change is followed on the server's clock, from the new
// speaker's voice onset and the decision to the first keyframe packet sent to every subscriber that
// had to switch, and the record goes to the node's SpeakerChangeTimeline. One trace at a time per
// meeting: the next change ends the previous trace.
internal sealed partial class Router
{
    private SpeakerChangeTrace? _speakerTrace;

    // Where finished traces go; null: speaker changes are not traced.
    public SpeakerChangeTimeline? SpeakerTimeline { get; init; }

    // Under the lock, when the selector decided on a new speaker and before the change is applied: the
    // previous trace ends, and the new speaker's camera is watched for the PLI the remap sends.
    private void OnSpeakerDecided(long decidedAt)
    {
        if (SpeakerTimeline is null)
            return;
        FinishSpeakerTrace();
        if (Selection.DominantSpeaker is { } speaker)
            SpeakerChangeTrace.WatchCamera(speaker, _members, decidedAt);
    }

    // Under the lock, after the change was applied (the new consumers exist and asked for keyframes).
    private void TraceSpeakerChange(long decidedAt)
    {
        if (SpeakerTimeline is null || Selection.DominantSpeaker is not { } speaker)
            return;
        var appliedAt = Stopwatch.GetTimestamp();
        var onset = _members.FirstOrDefault(m => m.ParticipantId == speaker)?.Publishing.VoiceOnsetAt ?? 0;
        _speakerTrace = SpeakerChangeTrace.Start(MeetingId, speaker, onset, decidedAt, appliedAt, _members);
    }

    // Every selection tick: ends the trace once every switching subscriber got its keyframe (or 5 s passed).
    private void PollSpeakerTrace()
    {
        if (_speakerTrace is { } trace && trace.Poll(Stopwatch.GetTimestamp()))
            FinishSpeakerTrace();
    }

    private void FinishSpeakerTrace()
    {
        if (_speakerTrace is not { } trace)
            return;
        _speakerTrace = null;
        SpeakerTimeline?.Add(trace.Finish());
    }
}
