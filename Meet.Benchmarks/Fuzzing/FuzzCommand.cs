using System.Diagnostics;
using System.Globalization;
using SharpFuzz;

namespace Meet.Benchmarks.Fuzzing;

// Coverage-guided fuzzing with AFL++ (Debian package afl++) and SharpFuzz: Meet.Modules.dll (and the
// serializers the signaling target runs through) are instrumented in a copy of this program's folder,
// then afl-fuzz runs `fuzz-run <target>` from that copy for the set time.
//
//   dotnet run -c Release --project Meet.Benchmarks -- fuzz all --seconds 60
//   dotnet run -c Release --project Meet.Benchmarks -- fuzz stun --seconds 600 --output /tmp/fuzz
//
// Prints executions, executions per second, corpus size, edges and crashes per target; crashing inputs
// are copied to <output>/<target>/crashes and replayed here to show the exception. Exit code 1 when a
// target crashed or afl-fuzz could not run.
internal static class FuzzCommand
{
    // Types whose branches AFL sees: the wire parsers, and for signaling the deserializers in front of the hub.
    private static readonly string[] InstrumentedAssemblies = ["Meet.Modules.dll", "Google.Protobuf.dll", "MessagePack.dll", "Microsoft.AspNetCore.SignalR.Protocols.MessagePack.dll"];

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h")
            return Usage();
        var targets = args[0] == "all" ? FuzzTargets.All.Keys.ToArray() : [args[0]];
        if (targets.Any(t => !FuzzTargets.All.ContainsKey(t)))
            return Usage();
        var seconds = 60;
        string? output = null;
        for (var i = 1; i < args.Length - 1; i++)
        {
            if (args[i] == "--seconds" && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var s) && s > 0)
                seconds = s;
            else if (args[i] == "--output")
                output = args[i + 1];
        }
        var afl = FindOnPath("afl-fuzz");
        if (afl is null)
        {
            await Console.Error.WriteLineAsync("afl-fuzz not found: install AFL++ (apt-get install afl++).");
            return 1;
        }

        var work = output ?? Directory.CreateTempSubdirectory("meet-fuzz-").FullName;
        var bin = Path.Combine(work, "bin");
        CopyDirectory(AppContext.BaseDirectory, bin);
        foreach (var assembly in InstrumentedAssemblies)
        {
            var path = Path.Combine(bin, assembly);
            if (File.Exists(path))
                Fuzzer.Instrument(path, type => assembly != "Meet.Modules.dll" || type.StartsWith("Meet.Modules.Media.Protocols", StringComparison.Ordinal) ||
                                                type.StartsWith("Meet.Modules.Media.Transport.PacketClassifier", StringComparison.Ordinal), DefaultOptions());
        }

        var root = FuzzSeeds.FindRepositoryRoot(AppContext.BaseDirectory);
        var failed = false;
        Console.WriteLine($"{"target",-10} {"seconds",7} {"execs",10} {"execs/s",9} {"corpus",7} {"edges",6} {"crashes",7}");
        foreach (var target in targets)
        {
            var input = Path.Combine(work, target, "in");
            var findings = Path.Combine(work, target, "out");
            Directory.CreateDirectory(input);
            // Regression inputs (Meet.Tests/Fixtures/Fuzz) stay out: some touch no instrumented branch at all
            // (rejected before any), which makes afl-fuzz abort its dry run. Meet.Tests replays them instead.
            foreach (var (name, bytes) in FuzzSeeds.For(target, root))
                await File.WriteAllBytesAsync(Path.Combine(input, name), bytes);
            var exit = await RunAflAsync(afl, input, findings, bin, target, seconds);
            var stats = ReadStats(Path.Combine(findings, "default", "fuzzer_stats"));
            if (exit != 0 && stats.Count == 0)
            {
                // Seen once on this loaded machine: the first dry run reported "No instrumentation
                // detected" and the next attempt ran normally. One retry, then it counts as a failure.
                Directory.Delete(findings, recursive: true);
                exit = await RunAflAsync(afl, input, findings, bin, target, seconds);
                stats = ReadStats(Path.Combine(findings, "default", "fuzzer_stats"));
            }
            if (exit != 0 || stats.Count == 0)
            {
                Console.WriteLine($"{target,-10} afl-fuzz exited {exit}; see {findings}");
                failed = true;
                continue;
            }
            var crashes = CollectCrashes(Path.Combine(findings, "default", "crashes"), Path.Combine(work, target, "crashes"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{target,-10} {Stat(stats, "run_time"),7} {Stat(stats, "execs_done"),10} {Stat(stats, "execs_per_sec"),9} {Stat(stats, "corpus_count"),7} {Stat(stats, "edges_found"),6} {crashes.Count,7}"));
            foreach (var crash in crashes)
            {
                failed = true;
                Console.WriteLine($"  crash input {crash}: {Replay(target, crash)}");
            }
        }
        Console.WriteLine($"work folder: {work}");
        return failed ? 1 : 0;
    }

    // Under afl-fuzz: the persistent fork-server loop; each input goes through the target once.
    public static int RunUnderAfl(string[] args)
    {
        if (args.Length != 1 || !FuzzTargets.All.TryGetValue(args[0], out var target))
            return Usage();
        Fuzzer.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            target(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        });
        return 0;
    }

    private static async Task<int> RunAflAsync(string afl, string input, string findings, string bin, string target, int seconds)
    {
        var start = new ProcessStartInfo(afl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-i", input, "-o", findings, "-V", seconds.ToString(CultureInfo.InvariantCulture), "-t", "10000", "-m", "none", "--",
                     DotnetHost, Path.Combine(bin, "Meet.Benchmarks.dll"), "fuzz-run", target })
            start.ArgumentList.Add(argument);
        // The dotnet host is not an AFL-instrumented binary (SharpFuzz instruments the IL); the fork server
        // needs longer than AFL's default to start a .NET process; this shared 2-core machine has no CPU to pin.
        start.Environment["AFL_SKIP_BIN_CHECK"] = "1";
        start.Environment["AFL_SKIP_CPUFREQ"] = "1";
        start.Environment["AFL_NO_AFFINITY"] = "1";
        start.Environment["AFL_NO_UI"] = "1";
        start.Environment["AFL_FORKSRV_INIT_TMOUT"] = "60000";
        start.Environment["AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES"] = "1";
        start.Environment["AFL_NO_CRASH_README"] = "1";
        using var process = Process.Start(start)!;
        var log = Path.Combine(Path.GetDirectoryName(findings)!, "afl.log");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(seconds + 120));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        await File.WriteAllTextAsync(log, await stdout + await stderr);
        return process.ExitCode;
    }

    private static Dictionary<string, string> ReadStats(string path) => !File.Exists(path)
        ? []
        : File.ReadAllLines(path).Select(line => line.Split(':', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.Ordinal);

    private static string Stat(Dictionary<string, string> stats, string key) => stats.TryGetValue(key, out var value) ? value : "?";

    private static List<string> CollectCrashes(string from, string to)
    {
        var crashes = new List<string>();
        if (!Directory.Exists(from))
            return crashes;
        foreach (var file in Directory.GetFiles(from, "id:*"))
        {
            Directory.CreateDirectory(to);
            var copy = Path.Combine(to, Path.GetFileName(file).Replace(':', '_'));
            File.Copy(file, copy, overwrite: true);
            crashes.Add(copy);
        }
        return crashes;
    }

    // Runs a crashing input through the (uninstrumented) target here to name the exception.
    private static string Replay(string target, string path)
    {
        try
        {
            FuzzTargets.All[target](File.ReadAllBytes(path));
            return "does not reproduce in-process (timeout or stack overflow under AFL?)";
        }
        catch (Exception ex)
        {
            return ex.GetType().Name + ": " + ex.Message.Split('\n')[0];
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)), overwrite: true);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(directory => Path.Combine(directory, name)).FirstOrDefault(File.Exists);

    private static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path
        : Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : FindOnPath("dotnet") ?? "dotnet";

    // SharpFuzz 2.3 keeps Options' constructor internal (its CLI fills it); the defaults are what we want.
    private static SharpFuzz.Options DefaultOptions() =>
        (SharpFuzz.Options)Activator.CreateInstance(typeof(SharpFuzz.Options), nonPublic: true)!;

    private static int Usage()
    {
        Console.Error.WriteLine($"usage: fuzz <{string.Join('|', FuzzTargets.All.Keys)}|all> [--seconds N] [--output DIR]");
        return 2;
    }
}
