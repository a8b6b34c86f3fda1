namespace Meet.Modules.Allocation.Internal;

internal sealed class LocalMediaNode : ILocalMediaNode
{
    private Guid? serverId;

    public Guid? ServerId => serverId;

    public DateTimeOffset? LastHeartbeatAt { get; private set; }

    public void Registered(Guid id, DateTimeOffset at)
    {
        serverId = id;
        LastHeartbeatAt = at;
    }

    public void Heartbeated(DateTimeOffset at) => LastHeartbeatAt = at;
}
