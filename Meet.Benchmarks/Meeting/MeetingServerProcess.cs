using System.Diagnostics;
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

    private readonly Process _process;
    private readonly string _dataDirectory;

    private MeetingServerProcess(Process process, string dataDirectory, Uri baseAddress)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public ProcessSample Sample() => ProcessSample.Read(_process.Id);

    public static async Task<MeetingServerProcess> StartAsync(IEnumerable<string> extraArguments, TimeSpan timeout)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("meet-meeting-").FullName;
        var start = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Environment.ProcessPath is the dotnet host when started as `dotnet Meet.Benchmarks.dll`.
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet")
            start.ArgumentList.Add(typeof(MeetingServerProcess).Assembly.Location);
        start.ArgumentList.Add("meeting-server");
        foreach (var argument in DefaultArguments(dataDirectory).Concat(extraArguments))
            start.ArgumentList.Add(argument);
        start.Environment["DOTNET_gcServer"] = "1";
        // Meet.Host's System.GC.ConserveMemory (issue 14): the child runs from this project's runtimeconfig.
        start.Environment["DOTNET_GCConserveMemory"] = "7";
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the server process");
        var errors = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (errors)
                errors.AppendLine(e.Data);
            // MEET_SERVER_LOG=1 passes the server's log through (diagnosing a cluster run).
            if (Environment.GetEnvironmentVariable("MEET_SERVER_LOG") == "1")
                Console.Error.WriteLine($"[server {process.Id}] {e.Data}");
        };
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(cancel.Token);
                if (line is null)
                    throw new InvalidOperationException("the server exited before it was ready: " + errors);
                if (line.StartsWith(ReadyPrefix, StringComparison.Ordinal))
                {
                    var server = new MeetingServerProcess(process, dataDirectory, new Uri(line[ReadyPrefix.Length..].Trim()));
                    // Keep draining stdout so the child never blocks on a full pipe.
                    _ = Task.Run(async () =>
                    {
                        while (await process.StandardOutput.ReadLineAsync() is { } output)
                        {
                            if (Environment.GetEnvironmentVariable("MEET_SERVER_LOG") == "1")
                                Console.Error.WriteLine($"[server {process.Id}] {output}");
                        }
                    });
                    return server;
                }
            }
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
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
        while (await Console.In.ReadLineAsync() is not null)
        {
        }
        await app.StopAsync();
        await app.DisposeAsync();
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
