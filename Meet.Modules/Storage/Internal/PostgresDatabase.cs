using System.Data.Common;
using Npgsql;

namespace Meet.Modules.Storage.Internal;

internal sealed class PostgresDatabase(string connectionString) : SqlDatabase
{
    private readonly NpgsqlDataSource dataSource = Create(connectionString);

    private static NpgsqlDataSource Create(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        // The same dozen statements run all the time: let Npgsql prepare them server-side
        // (parse and plan once per connection) unless the operator chose otherwise.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
            builder.ConnectionStringBuilder.MaxAutoPrepare = 32;
        return builder.Build();
    }

    public override StorageProvider Provider => StorageProvider.Postgres;

    // NO KEY UPDATE conflicts with itself (so joins of one meeting queue up) but not with the
    // KEY SHARE lock that the participant row's foreign key takes.
    public override string RowLockClause => " FOR NO KEY UPDATE";

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    public override async Task<T> WriteAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await work(connection).ConfigureAwait(false);
    }

    public override async Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var result = await work(connection, transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    public override async Task<T> AtomicBatchAsync<T>(Func<DbConnection, DbTransaction?, Task<T>> work, CancellationToken cancellationToken)
    {
        // No BEGIN/COMMIT round trips: every statement of the batch precedes a single Sync, and
        // PostgreSQL treats that as one implicit transaction (protocol-flow, "Pipelining").
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await work(connection, null).ConfigureAwait(false);
    }

    public override object Timestamp(DateTimeOffset value) => value.UtcDateTime;

    public override object Id(Guid value) => value;

    public override ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
