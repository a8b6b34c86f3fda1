namespace Meet.Modules.Media.Routing;

// One dominant-speaker change on the server's own clock (Stopwatch ticks, the machine's monotonic
// clock): when the new speaker's talk spurt reached the SFU (VoiceOnsetTicks, 0 = no voiced packet
// seen), when the router decided and when it had applied the new selection (slots remapped for every
// subscriber), when the SFU first asked the speaker's camera for a keyframe (PLI) and
// when the first keyframe came back since the decision (0: none seen; a keyframe the camera sent anyway
// counts too), and per subscriber that had to switch to the speaker's video when the SFU sent it the
// first packet of the speaker's keyframe. AlreadyForwarding: subscribers that were
// receiving the speaker's video already (no switch needed); NotStarted: subscribers still waiting for
// a keyframe when the trace ended (the next change came first, the subscriber left, or 5 s passed).
internal sealed record SpeakerChangeRecord(string MeetingId, string SpeakerId, long VoiceOnsetTicks, long DecisionTicks,
    long AppliedTicks, long KeyFrameRequestedTicks, long KeyFrameReceivedTicks, IReadOnlyList<SubscriberKeyFrameSent> KeyFramesSent, int AlreadyForwarding, int NotStarted);
