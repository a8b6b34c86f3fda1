namespace Meet.Modules.Media.Routing;

// A subscriber's first keyframe packet of a new speaker, sent at SentTicks (Stopwatch ticks).
internal readonly record struct SubscriberKeyFrameSent(string SubscriberId, long SentTicks);
