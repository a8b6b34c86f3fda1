using Microsoft.Extensions.Options;
using Npgsql;

namespace Meet.Modules.Storage.Internal;

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    private const string Section = StorageOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Provider))
            failures.Add($"{Section}:{nameof(StorageOptions.Provider)} must be Sqlite or Postgres.");
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
            failures.Add($"{Section}:{nameof(StorageOptions.DataDirectory)} must name a folder.");
        if (options.Provider == StorageProvider.Sqlite &&
            (string.IsNullOrWhiteSpace(options.SqliteFileName) || options.SqliteFileName.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0))
            failures.Add($"{Section}:{nameof(StorageOptions.SqliteFileName)} must be a plain file name (it lives in {Section}:{nameof(StorageOptions.DataDirectory)}).");
        if (options.Provider == StorageProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(options.PostgresConnectionString))
            {
                failures.Add($"{Section}:{nameof(StorageOptions.PostgresConnectionString)} is required when {Section}:{nameof(StorageOptions.Provider)} is Postgres.");
            }
            else
            {
                try
                {
                    _ = new NpgsqlConnectionStringBuilder(options.PostgresConnectionString);
                }
                catch (ArgumentException ex)
                {
                    failures.Add($"{Section}:{nameof(StorageOptions.PostgresConnectionString)} is not a valid connection string: {ex.Message}");
                }
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
