namespace Meet.PacketEngine;

/// <summary>A backend could not start or bind; the message names the configuration key to fix.</summary>
public sealed class PacketEngineException : Exception
{
    public PacketEngineException(string message)
        : base(message)
    {
    }

    public PacketEngineException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
