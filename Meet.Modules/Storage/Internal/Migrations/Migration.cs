namespace Meet.Modules.Storage.Internal.Migrations;

internal sealed record Migration(int Version, string Name, string Sqlite, string Postgres);
