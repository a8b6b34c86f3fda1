using Microsoft.Extensions.Hosting;

namespace Meet.Modules.Storage.Internal;

// Connects before any other hosted service starts (the storage module registers first), so a Redis
// that is down at start-up stops the node with an error naming Redis:Configuration.
internal sealed class RedisStartup(RedisConnection connection) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => connection.ConnectAsync();

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
