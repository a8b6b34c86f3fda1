namespace Meet.PacketEngine.FaultInjection;

/// <summary>What one impaired path did with the datagrams sent to it: delivered, lost on purpose, dropped by its full queue.</summary>
public readonly record struct PathImpairmentStats(long Delivered, long DeliveredBytes, long Lost, long QueueDropped);
