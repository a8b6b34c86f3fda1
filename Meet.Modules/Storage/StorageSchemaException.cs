namespace Meet.Modules.Storage;

public sealed class StorageSchemaException(string message) : Exception(message);
