namespace Meet.Modules.Storage;

// The database cannot be used by this build: unreachable, or its schema is newer than this build knows.
public sealed class StorageSchemaException : Exception
{
    public StorageSchemaException(string message)
        : base(message)
    {
    }

    public StorageSchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
