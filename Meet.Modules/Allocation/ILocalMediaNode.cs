namespace Meet.Modules.Allocation;

// This process's row in media_servers; null until it has registered at start-up.
public interface ILocalMediaNode
{
    Guid? ServerId { get; }
}
