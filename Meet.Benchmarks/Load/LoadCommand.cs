using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Meet.Modules.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Meet.Benchmarks.Load;

// DOTNET_gcServer=1 dotnet run -c Release --project Meet.Benchmarks -- load [--provider sqlite|postgres|both]
//     [--seconds 10] [--warmup 2] [--concurrency 32] [--url http://127.0.0.1:5000]
// Drives POST /v1/meetings + POST /v1/meetings/{id}/join pairs over HTTP on loopback for a fixed
// time. Without --url it starts the real host in-process (and a throwaway PostgreSQL) per provider.
internal static class LoadCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = Parse(args);
        if (options is null)
        {
            Console.Error.WriteLine("usage: load [--provider sqlite|postgres|both] [--seconds N] [--warmup N] [--concurrency N] [--url URL]");
            return 2;
        }
        // The real host (Web SDK) runs with server GC; a console process must ask for it
        // (DOTNET_gcServer=1) to measure the same thing.
        Console.WriteLine($"Meet load: create+join pairs, {options.Concurrency} concurrent clients, {options.Seconds} s after {options.Warmup} s warm-up, " +
            $"{Environment.ProcessorCount} cores, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation (set DOTNET_gcServer=1 to match the host)")} GC");
        Console.WriteLine();
        Console.WriteLine("| target | pairs/s | requests/s | create p50 / p99 (ms) | join p50 / p99 (ms) | errors | cores used by this process |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");

        if (options.Url is not null)
        {
            Print(options.Url.ToString(), await DriveAsync(options.Url, options));
            return 0;
        }
        foreach (var provider in options.Providers)
        {
            await using var postgres = provider == StorageProvider.Postgres ? await ThrowawayPostgres.StartAsync() : null;
            var dataDirectory = Directory.CreateTempSubdirectory("meet-load-").FullName;
            var app = global::Program.BuildApp(
            [
                $"--contentRoot={AppContext.BaseDirectory}",
                "--urls=http://127.0.0.1:0",
                "--Signaling:GrpcUrl=http://127.0.0.1:0",
                "--Logging:LogLevel:Default=Warning",
                $"--Storage:Provider={provider}",
                $"--Storage:DataDirectory={dataDirectory}",
                $"--Storage:PostgresConnectionString={postgres?.ConnectionString}",
                "--RateLimiting:Join:TokenLimit=100000000",
                "--RateLimiting:Join:TokensPerPeriod=100000000",
                "--Node:DrainTimeout=00:00:00",
            ]);
            await app.StartAsync();
            try
            {
                var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
                Print(provider == StorageProvider.Sqlite ? "SQLite (in-process host)" : "PostgreSQL 15 (in-process host)", await DriveAsync(address, options));
            }
            finally
            {
                await app.StopAsync();
                await app.DisposeAsync();
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
        return 0;
    }

    private static async Task<LoadResult> DriveAsync(Uri baseAddress, LoadOptions options)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

        await RunPhaseAsync(client, options.Concurrency, TimeSpan.FromSeconds(options.Warmup));
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        var recorders = await RunPhaseAsync(client, options.Concurrency, TimeSpan.FromSeconds(options.Seconds));
        var elapsed = stopwatch.Elapsed.TotalSeconds;
        // Host and load generator share this process: the cores it got show how contended the machine was.
        foreach (var status in recorders.SelectMany(r => r.ErrorStatuses).GroupBy(e => e.Key))
            Console.Error.WriteLine($"  HTTP {status.Key}: {status.Sum(e => e.Value)}");
        var cores = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds / elapsed;

        var create = LatencyRecorder.Percentiles(recorders, joins: false);
        var join = LatencyRecorder.Percentiles(recorders, joins: true);
        return new LoadResult(join.Count / elapsed, (create.Count + join.Count) / elapsed, create.P50, create.P99, join.P50, join.P99, recorders.Sum(r => r.Errors), cores);
    }

    private static async Task<LatencyRecorder[]> RunPhaseAsync(HttpClient client, int concurrency, TimeSpan duration)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var recorder = new LatencyRecorder();
            var joinBody = Encoding.UTF8.GetBytes($$"""{"userId":"usr_load_{{worker}}"}""");
            var createBody = Encoding.UTF8.GetBytes("""{"hostId":"usr_998273_alpha","meetingTitle":"Weekly Architecture Review","allowGuestJoin":true,"defaultMuted":true}""");
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var started = Stopwatch.GetTimestamp();
                using var created = await client.PostAsync("/v1/meetings", Content(createBody));
                if (created.StatusCode != HttpStatusCode.Created)
                {
                    recorder.Error((int)created.StatusCode);
                    if (recorder.Errors <= 3)
                        Console.Error.WriteLine($"  create: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
                    continue;
                }
                var meetingId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("meetingId").GetString();
                var afterCreate = Stopwatch.GetTimestamp();
                recorder.Create(Stopwatch.GetElapsedTime(started, afterCreate).TotalMilliseconds);

                using var joined = await client.PostAsync($"/v1/meetings/{meetingId}/join", Content(joinBody));
                await joined.Content.LoadIntoBufferAsync();
                if (joined.StatusCode != HttpStatusCode.OK)
                {
                    recorder.Error((int)joined.StatusCode);
                    if (recorder.Errors <= 3)
                        Console.Error.WriteLine($"  join: {(int)joined.StatusCode} {await joined.Content.ReadAsStringAsync()}");
                    continue;
                }
                recorder.Join(Stopwatch.GetElapsedTime(afterCreate).TotalMilliseconds);
            }
            return recorder;
        })).ToArray();
        return await Task.WhenAll(workers);
    }

    private static ByteArrayContent Content(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    private static void Print(string target, LoadResult r) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {target} | {r.PairsPerSecond:F0} | {r.RequestsPerSecond:F0} | {r.CreateP50:F1} / {r.CreateP99:F1} | {r.JoinP50:F1} / {r.JoinP99:F1} | {r.Errors} | {r.CoresUsed:F2} |"));

    private static LoadOptions? Parse(string[] args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--provider" when value is "sqlite": options.Providers = [StorageProvider.Sqlite]; i++; break;
                case "--provider" when value is "postgres": options.Providers = [StorageProvider.Postgres]; i++; break;
                case "--provider" when value is "both": i++; break;
                case "--seconds" when int.TryParse(value, out var seconds) && seconds > 0: options.Seconds = seconds; i++; break;
                case "--warmup" when int.TryParse(value, out var warmup) && warmup >= 0: options.Warmup = warmup; i++; break;
                case "--concurrency" when int.TryParse(value, out var concurrency) && concurrency > 0: options.Concurrency = concurrency; i++; break;
                case "--url" when Uri.TryCreate(value, UriKind.Absolute, out var url) && url.IsLoopback: options.Url = url; i++; break;
                default: return null;
            }
        }
        return options;
    }

    private sealed class LoadOptions
    {
        public StorageProvider[] Providers { get; set; } = [StorageProvider.Sqlite, StorageProvider.Postgres];
        public int Seconds { get; set; } = 10;
        public int Warmup { get; set; } = 2;
        public int Concurrency { get; set; } = 32;
        public Uri? Url { get; set; }
    }

    private sealed record LoadResult(double PairsPerSecond, double RequestsPerSecond, double CreateP50, double CreateP99, double JoinP50, double JoinP99, int Errors, double CoresUsed);
}
