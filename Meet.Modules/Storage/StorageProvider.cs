namespace Meet.Modules.Storage;

public enum StorageProvider
{
    Sqlite,
    Postgres,
}
