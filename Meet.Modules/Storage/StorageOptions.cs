namespace Meet.Modules.Storage;

public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    // Relative paths resolve against the host's content root. Holds the SQLite file and the
    // generated token signing key.
    public string DataDirectory { get; set; } = "data";

    public string SqliteFileName { get; set; } = "meet.db";

    public string? PostgresConnectionString { get; set; }
}
