using System.Diagnostics;
using System.Globalization;
using Meet.Benchmarks.Fuzzing;
using Meet.Tests.Support;

namespace Meet.Tests.Fuzzing;

// Issue 16: the fuzz targets (Meet.Benchmarks fuzz) build and run; every seed and every input that once
// crashed a target (Meet.Tests/Fixtures/Fuzz/<target>/) goes through the target without an exception;
// and a short AFL++ run of every target finds no crash.
public sealed class FuzzRegressionTests
{
    private static IEnumerable<string> Targets => FuzzTargets.All.Keys;

    private static string? RepositoryRoot => FuzzSeeds.FindRepositoryRoot(TestContext.CurrentContext.TestDirectory);

    [TestCaseSource(nameof(Targets))]
    public void Every_seed_and_regression_input_passes_through_the_target(string target)
    {
        var inputs = FuzzSeeds.For(target, RepositoryRoot).Concat(FuzzSeeds.Fixtures(target, RepositoryRoot)).ToList();

        inputs.Should().NotBeEmpty();
        foreach (var (name, bytes) in inputs)
            FluentActions.Invoking(() => FuzzTargets.All[target](bytes)).Should().NotThrow($"{target}/{name}");
    }

    // Not coverage-guided, but it runs everywhere in a second: truncations, bit flips and random bytes
    // around every seed, with a fixed random seed so a failure reproduces.
    [TestCaseSource(nameof(Targets))]
    public void Mutated_seeds_never_throw(string target)
    {
        var random = new Random(16);
        var seeds = FuzzSeeds.For(target, RepositoryRoot).Select(s => s.Bytes).ToList();
        for (var i = 0; i < 3000; i++)
        {
            var input = (byte[])seeds[i % seeds.Count].Clone();
            switch (i % 4)
            {
                case 0:
                    input = input[..random.Next(input.Length + 1)];
                    break;
                case 1:
                    for (var flips = random.Next(1, 8); flips > 0 && input.Length > 0; flips--)
                        input[random.Next(input.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 2:
                    for (var writes = random.Next(1, 8); writes > 0 && input.Length > 0; writes--)
                        input[random.Next(input.Length)] = (byte)random.Next(256);
                    break;
                default:
                    input = new byte[random.Next(64)];
                    random.NextBytes(input);
                    break;
            }
            var copy = input;
            FluentActions.Invoking(() => FuzzTargets.All[target](copy)).Should().NotThrow($"{target} input {Convert.ToHexString(copy)}");
        }
    }

    [Test]
    public async Task Every_target_runs_under_afl_for_a_few_seconds_without_a_crash()
    {
        var output = TempDirectory.Create("meet-fuzz-");
        var start = new ProcessStartInfo(DotnetHost) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { BenchmarksAssembly, "fuzz", "all", "--seconds", "3", "--output", output })
            start.ArgumentList.Add(argument);

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);
        var report = await stdout + await stderr;
        TestContext.Out.WriteLine(report);

        process.ExitCode.Should().Be(0, report);
        foreach (var target in FuzzTargets.All.Keys)
        {
            var line = report.Split('\n').Single(l => l.StartsWith(target + " ", StringComparison.Ordinal));
            var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            long.Parse(columns[2], CultureInfo.InvariantCulture).Should().BePositive($"{target} executed inputs: {line}");
            columns[^1].Should().Be("0", $"{target} found no crash: {line}");
        }
    }

    private static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";

    // Meet.Tests/bin/<Configuration>/<tfm>/ → Meet.Benchmarks/bin/<Configuration>/<tfm>/Meet.Benchmarks.dll
    private static string BenchmarksAssembly
    {
        get
        {
            var testDirectory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            var path = Path.Combine(RepositoryRoot ?? ".", "Meet.Benchmarks", "bin", testDirectory.Parent!.Name, testDirectory.Name, "Meet.Benchmarks.dll");
            if (!File.Exists(path))
                Assert.Fail($"{path} is missing: build the solution before running the fuzz tests.");
            return path;
        }
    }
}
