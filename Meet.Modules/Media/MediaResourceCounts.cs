namespace Meet.Modules.Media;

public readonly record struct MediaResourceCounts(int Routers, int Participants, int Transports, int Producers, int Consumers);
