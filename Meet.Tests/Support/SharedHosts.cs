using System.Collections.Concurrent;
using Meet.Modules.Storage;

namespace Meet.Tests.Support;

// One host per storage provider serves every API fixture; starting hosts is the slow part.
internal static class SharedHosts
{
    private static readonly ConcurrentDictionary<StorageProvider, Lazy<Task<MeetTestHost>>> Hosts = new();

    public static Task<MeetTestHost> GetAsync(StorageProvider provider) =>
        Hosts.GetOrAdd(provider, p => new Lazy<Task<MeetTestHost>>(async () =>
        {
            var host = await MeetTestHost.StartAsync(p).ConfigureAwait(false);
            TestResources.Register(host);
            return host;
        })).Value;
}
