namespace Meet.Benchmarks.Meeting;

// Issue 10 "Measure": the speaker changes of a step's window split at the server's own stamps
// (SpeakerChangeRecord, read from the child server), all on the machine's one monotonic clock, ms:
//  TalkToOnset            the talker's talk start in the generator → its first voiced packet processed by the SFU
//                         (the generator's pacer and the server's receive loop);
//  OnsetToDecision        → the router decided the new dominant speaker (the detector's windows);
//  DecisionToKeyFrameSent → the SFU sent a switching viewer the first packet of the speaker's keyframe
//                         (slot remap, PLI, the camera's keyframe, forwarding), one sample per viewer,
//                         itself split into DecisionToApplied (every subscriber's slots remapped, under the
//                         meeting's lock: the part that grows with the meeting), DecisionToPli (the SFU's keyframe request, coalesced to one per
//                         300 ms per layer), PliToKeyFrame (the publisher — here the generator's synthetic
//                         camera — answering, and the server reading it) and KeyFrameToSent (the fan-out,
//                         per viewer);
//  OnsetToKeyFrameSent    the server's whole part, per viewer;
//  SentToViewerArrival    → that packet was read by the viewer in the generator (loopback and the
//                         generator's own lateness: what a starved generator adds).
// Changes: records matched to a turn of the window; Unmatched: speaker changes that were no turn's talker
// (the detector picked someone else) or fell outside the window.
internal sealed record ServerSpeakerChangeResult(int Changes, int Unmatched, int AlreadyForwarding, int NotStarted,
    Quantiles TalkToOnset, Quantiles OnsetToDecision, Quantiles DecisionToKeyFrameSent, Quantiles OnsetToKeyFrameSent,
    Quantiles SentToViewerArrival, Quantiles DecisionToApplied, Quantiles DecisionToPli, Quantiles PliToKeyFrame, Quantiles KeyFrameToSent);
