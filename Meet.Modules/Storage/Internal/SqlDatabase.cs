using System.Data.Common;

namespace Meet.Modules.Storage.Internal;

// One database behind both providers: repositories write portable SQL and let the provider
// convert parameter values (SQLite has no timestamp or uuid types, so they travel as text).
internal abstract class SqlDatabase : IAsyncDisposable
{
    static SqlDatabase() => DapperTypeHandlers.Register();

    public abstract StorageProvider Provider { get; }

    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    // A single write statement (autocommit).
    public abstract Task<T> WriteAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken);

    public abstract Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken);

    // For one command holding several statements that must apply together. PostgreSQL receives
    // it as one batch (one round trip) and runs it as one implicit transaction; SQLite runs it
    // in an explicit transaction. The transaction handed to the work is null for PostgreSQL.
    public abstract Task<T> AtomicBatchAsync<T>(Func<DbConnection, DbTransaction?, Task<T>> work, CancellationToken cancellationToken);

    public abstract object Timestamp(DateTimeOffset value);

    public abstract object Id(Guid value);

    // Appended to a SELECT of the meeting row to lock it, serialising joins of one meeting;
    // empty for SQLite, which already serialises every writer.
    public abstract string RowLockClause { get; }

    public async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await work(connection).ConfigureAwait(false);
    }

    public abstract ValueTask DisposeAsync();
}
