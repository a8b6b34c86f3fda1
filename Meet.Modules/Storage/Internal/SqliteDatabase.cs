using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Meet.Modules.Storage.Internal;

internal sealed class SqliteDatabase : SqlDatabase
{
    // Fixed width, UTC, so text comparison in SQL orders like time (heartbeat cut-offs rely on it).
    internal const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    private readonly string connectionString;

    // SQLite allows one writer at a time. Queuing writers on an async gate in-process is cheaper and
    // fairer than letting them collide on SQLITE_BUSY and back off; readers stay concurrent (WAL).
    private readonly SemaphoreSlim writeGate = new(1, 1);

    private static readonly object Tuned = new();
    private readonly ConditionalWeakTable<object, object> tunedHandles = new();

    public SqliteDatabase(string filePath)
    {
        FilePath = filePath;
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = filePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string FilePath { get; }

    public override StorageProvider Provider => StorageProvider.Sqlite;

    public override string RowLockClause => "";

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        // A setting of the physical connection, which the pool hands out again and again: set it
        // once per handle. In WAL mode NORMAL never corrupts the database; only the last commits
        // before a power loss can roll back (sqlite.org/pragma.html#pragma_synchronous).
        var handle = connection.Handle!;
        if (!tunedHandles.TryGetValue(handle, out _))
        {
            using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA synchronous = NORMAL;";
            pragma.ExecuteNonQuery();
            tunedHandles.AddOrUpdate(handle, Tuned);
        }
        return connection;
    }

    public override async Task<T> WriteAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            return await work(connection).ConfigureAwait(false);
        }
        finally
        {
            writeGate.Release();
        }
    }

    public override async Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            // Microsoft.Data.Sqlite begins non-deferred transactions with BEGIN IMMEDIATE.
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var result = await work(connection, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
        finally
        {
            writeGate.Release();
        }
    }

    public override Task<T> AtomicBatchAsync<T>(Func<DbConnection, DbTransaction?, Task<T>> work, CancellationToken cancellationToken) =>
        InTransactionAsync<T>((connection, transaction) => work(connection, transaction), cancellationToken);

    public override object Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    public override object Id(Guid value) => value.ToString("D");

    public override ValueTask DisposeAsync()
    {
        using (var connection = new SqliteConnection(connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }
        writeGate.Dispose();
        return ValueTask.CompletedTask;
    }
}
