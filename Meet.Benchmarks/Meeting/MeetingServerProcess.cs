using System.Diagnostics;
using System.Text.Json;
using Meet.Benchmarks.Processes;
using Meet.Modules.Media.Internal;
using Meet.Modules.Media.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Meet.Benchmarks.Meeting;

// The real server (Program.BuildApp, the same composition as Meet.Host) in a child process of its own
// — `Meet.Benchmarks meeting-server` — so /proc measures its CPU, memory and threads apart from the
// participants'. It runs with server GC like the Web SDK host and Meet.Host's GC settings, and stops
// when its stdin closes.
internal sealed class MeetingServerProcess : IAsyncDisposable
{
    private const string ReadyPrefix = "MEET-READY ";
    // A line on the child's stdin: write the media module's speaker-change records (JSON) to this path.
    private const string SpeakerChangesCommand = "speaker-changes ";

    private readonly ServerChildProcess _process;
    private readonly string _dataDirectory;

    private MeetingServerProcess(ServerChildProcess process, string dataDirectory, Uri baseAddress)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public ProcessSample Sample() => ProcessSample.Read(_process.Id);

    // kill -9 (a node's crash).
    public void Kill() => _process.Kill();

    public static async Task<MeetingServerProcess> StartAsync(IEnumerable<string> extraArguments, TimeSpan timeout)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("meet-meeting-").FullName;
        var fileName = Environment.ProcessPath ?? "dotnet";
        // Environment.ProcessPath is the dotnet host when started as `dotnet Meet.Benchmarks.dll`.
        IEnumerable<string> arguments = Path.GetFileNameWithoutExtension(fileName) == "dotnet" ? [typeof(MeetingServerProcess).Assembly.Location] : [];
        arguments = [.. arguments, "meeting-server", .. DefaultArguments(dataDirectory), .. extraArguments];
        // MEET_SERVER_LOG=1 passes the server's log through (diagnosing a cluster run).
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_gcServer"] = "1",
            // Meet.Host's System.GC.ConserveMemory (issue 14): the child runs from this project's runtimeconfig.
            ["DOTNET_GCConserveMemory"] = "7",
            // The generator's inline socket completions (MeetingCommand) are not the server's: Meet.Host runs without.
            [MeetingCommand.InlineCompletionsVariable] = "0",
        };
        ServerChildProcess? process = null;
        process = ServerChildProcess.Start(fileName, arguments, environment,
            Environment.GetEnvironmentVariable("MEET_SERVER_LOG") == "1" ? line => Console.Error.WriteLine($"[server {process?.Id}] {line}") : null);
        try
        {
            var ready = await process.ReadLineAsync(ReadyPrefix, timeout);
            process.DrainOutput();
            return new MeetingServerProcess(process, dataDirectory, new Uri(ready[ReadyPrefix.Length..].Trim()));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    private static IEnumerable<string> DefaultArguments(string dataDirectory) =>
    [
        $"--contentRoot={AppContext.BaseDirectory}",
        "--urls=http://127.0.0.1:0",
        "--Signaling:GrpcUrl=http://127.0.0.1:0",
        "--Media:UdpPort=0",
        "--Logging:LogLevel:Default=Warning",
        $"--Storage:DataDirectory={dataDirectory}",
        "--RateLimiting:Join:TokenLimit=100000000",
        "--RateLimiting:Join:TokensPerPeriod=100000000",
        "--Signaling:MessagesPerSecond=100000",
        "--Node:DrainTimeout=00:00:00",
    ];

    // The child side: `meeting-server <host arguments>`.
    public static async Task<int> RunChildAsync(string[] args)
    {
        var app = global::Program.BuildApp(args);
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        Console.WriteLine(ReadyPrefix + (addresses?.FirstOrDefault() ?? throw new InvalidOperationException("the server announced no address")));
        Console.Out.Flush();
        // The parent closes stdin (or dies) to stop us.
        while (await Console.In.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(SpeakerChangesCommand, StringComparison.Ordinal))
                WriteSpeakerChanges(app.Services, line[SpeakerChangesCommand.Length..].Trim());
        }
        await app.StopAsync();
        await app.DisposeAsync();
        return 0;
    }

    // Issue 10: the server's own speaker-change stamps (Meet.Modules.Media.Routing.SpeakerChangeTimeline),
    // through the child's stdin and a file in its data folder; null when it did not answer in time.
    public async Task<IReadOnlyList<SpeakerChangeRecord>?> ReadSpeakerChangesAsync(TimeSpan timeout)
    {
        var path = Path.Combine(_dataDirectory, $"speaker-changes-{Interlocked.Increment(ref _reads)}.json");
        await _process.WriteLineAsync(SpeakerChangesCommand + path);
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!File.Exists(path))
        {
            if (Stopwatch.GetTimestamp() > deadline)
                return null;
            await Task.Delay(50);
        }
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<List<SpeakerChangeRecord>>(stream);
    }

    private int _reads;

    // Written aside and moved, so the parent never reads half a file.
    private static void WriteSpeakerChanges(IServiceProvider services, string path)
    {
        var records = services.GetService<MediaModule>()?.SpeakerChanges.Snapshot() ?? [];
        var partial = path + ".partial";
        File.WriteAllText(partial, JsonSerializer.Serialize(records));
        File.Move(partial, path, overwrite: true);
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
