using System.Diagnostics;

namespace Meet.Tests.Support;

// Meet.Benchmarks.dll, which tests start as a child process (DPDK scenarios need a process each; the
// meeting smoke run measures a server in a process of its own). Meet.Tests.csproj references the
// project without its output assembly, so `dotnet test Meet.Tests` builds it first.
internal static class BenchmarksAssembly
{
    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";

    // Meet.Tests/bin/<Configuration>/<tfm>/ → Meet.Benchmarks/bin/<Configuration>/<tfm>/Meet.Benchmarks.dll
    public static string Path
    {
        get
        {
            var testDirectory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            var framework = testDirectory.Name;
            var configuration = testDirectory.Parent!.Name;
            var root = testDirectory;
            while (root is not null && !File.Exists(System.IO.Path.Combine(root.FullName, "Meet.sln")))
                root = root.Parent;
            var path = System.IO.Path.Combine(root?.FullName ?? ".", "Meet.Benchmarks", "bin", configuration, framework, "Meet.Benchmarks.dll");
            if (!File.Exists(path))
                Assert.Fail($"{path} is missing: build the solution (dotnet build Meet.sln -c {configuration}).");
            return path;
        }
    }

    // Runs `Meet.Benchmarks <arguments>` to its end (killed with its children if cancelled): the exit
    // code, standard output, and both streams together for failure messages.
    public static async Task<(int ExitCode, string Output, string Log)> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments.Prepend(Path))
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        var output = await stdout;
        return (process.ExitCode, output, output + await stderr);
    }
}
