using System.Diagnostics;
using Meet.Modules.Media.Routing;

namespace Meet.Benchmarks.Meeting;

// Joins the server's speaker-change records (its own stamps: voice onset, decision, first keyframe packet
// sent per viewer) with the generator's turns and the viewers' arrivals. Both processes read the same
// monotonic clock (Stopwatch is CLOCK_MONOTONIC on Linux), so the stamps subtract across processes.
internal static class ServerSpeakerTimeline
{
    // records: the server's; participantNumbers: server participant id → generator number; arrivals: per
    // (viewer, turn) when the viewer read the new talker's first video packet (switches only).
    public static ServerSpeakerChangeResult Compute(IReadOnlyList<SpeakerChangeRecord> records, IReadOnlyList<SpeakerTurns.Turn> turns,
        TimeSpan turnLength, Func<string, int?> participantNumbers, IReadOnlyDictionary<(int Viewer, int Turn), long> arrivals)
    {
        var turnTicks = (long)(turnLength.TotalSeconds * Stopwatch.Frequency);
        var talkToOnset = new List<double>();
        var onsetToDecision = new List<double>();
        var decisionToSent = new List<double>();
        var onsetToSent = new List<double>();
        var sentToArrival = new List<double>();
        var decisionToApplied = new List<double>();
        var decisionToPli = new List<double>();
        var pliToKeyFrame = new List<double>();
        var keyFrameToSent = new List<double>();
        int changes = 0, unmatched = 0, alreadyForwarding = 0, notStarted = 0;
        foreach (var record in records)
        {
            var turn = participantNumbers(record.SpeakerId) is { } talker
                ? turns.LastOrDefault(t => t.Talker == talker && t.StartTicks <= record.DecisionTicks && record.DecisionTicks < t.StartTicks + turnTicks)
                : null;
            if (turn is null)
            {
                unmatched++;
                continue;
            }
            changes++;
            alreadyForwarding += record.AlreadyForwarding;
            notStarted += record.NotStarted;
            // An onset before the talk start belongs to an earlier spurt: the server saw no new one.
            var onset = record.VoiceOnsetTicks >= turn.StartTicks ? record.VoiceOnsetTicks : 0;
            if (onset != 0)
            {
                talkToOnset.Add(Ms(onset - turn.StartTicks));
                onsetToDecision.Add(Ms(record.DecisionTicks - onset));
            }
            decisionToApplied.Add(Ms(record.AppliedTicks - record.DecisionTicks));
            if (record.KeyFrameRequestedTicks != 0)
                decisionToPli.Add(Ms(record.KeyFrameRequestedTicks - record.DecisionTicks));
            if (record.KeyFrameRequestedTicks != 0 && record.KeyFrameReceivedTicks >= record.KeyFrameRequestedTicks)
                pliToKeyFrame.Add(Ms(record.KeyFrameReceivedTicks - record.KeyFrameRequestedTicks));
            foreach (var sent in record.KeyFramesSent)
            {
                decisionToSent.Add(Ms(sent.SentTicks - record.DecisionTicks));
                if (record.KeyFrameReceivedTicks != 0)
                    keyFrameToSent.Add(Ms(sent.SentTicks - record.KeyFrameReceivedTicks));
                if (onset != 0)
                    onsetToSent.Add(Ms(sent.SentTicks - onset));
                if (participantNumbers(sent.SubscriberId) is { } viewer && arrivals.TryGetValue((viewer, turn.Index), out var arrived))
                    sentToArrival.Add(Ms(arrived - sent.SentTicks));
            }
        }
        return new ServerSpeakerChangeResult(changes, unmatched, alreadyForwarding, notStarted,
            Quantiles.Of(talkToOnset), Quantiles.Of(onsetToDecision), Quantiles.Of(decisionToSent), Quantiles.Of(onsetToSent),
            Quantiles.Of(sentToArrival), Quantiles.Of(decisionToApplied), Quantiles.Of(decisionToPli), Quantiles.Of(pliToKeyFrame), Quantiles.Of(keyFrameToSent));
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
