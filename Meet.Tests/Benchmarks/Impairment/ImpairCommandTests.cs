using System.Text.Json;
using System.Text.RegularExpressions;
using Meet.Tests.Support;

namespace Meet.Tests.Benchmarks.Impairment;

// `Meet.Benchmarks impair`, one second per profile: the impairment matrix (issue 11, Measure) runs every
// profile through the real server and writes a row for each, in its output lines, results.json and
// results.md. What the rows say is measured for the README, never asserted here.
public sealed class ImpairCommandTests
{
    private static readonly string[] Profiles =
        ["loss-0", "loss-5", "loss-10", "loss-25", "cap-100k", "cap-300k", "cap-600k", "rtt-100ms-loss-5", "rtt-300ms-loss-5"];

    [Test]
    [CancelAfter(180_000)]
    public async Task Every_profile_of_the_impairment_matrix_produces_a_row(CancellationToken cancellationToken)
    {
        var output = Directory.CreateTempSubdirectory("meet-impair-").FullName;
        try
        {
            var (exitCode, stdout, log) = await BenchmarksAssembly.RunAsync(
                ["impair", "--seconds", "1", "--recover-seconds", "1", "--output", output], cancellationToken);

            exitCode.Should().Be(0, log);
            var lines = Regex.Matches(stdout, @"^impair profile=(\S+) frames=\d+ freezes_per_min=[\d.]+ .*$", RegexOptions.Multiline);
            lines.Select(m => m.Groups[1].Value).Should().Equal(Profiles, log);
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "results.json"), cancellationToken));
            json.RootElement.GetProperty("profiles").EnumerateArray().Select(p => p.GetProperty("profile").GetString())
                .Should().Equal(Profiles);
            var markdown = await File.ReadAllTextAsync(Path.Combine(output, "results.md"), cancellationToken);
            foreach (var profile in Profiles)
                markdown.Should().Contain($"| {profile} |");
            foreach (Match line in lines)
                await TestContext.Out.WriteLineAsync(line.Value);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task An_unknown_profile_is_refused_with_the_usage(CancellationToken cancellationToken)
    {
        var (exitCode, _, log) = await BenchmarksAssembly.RunAsync(["impair", "--profiles", "loss-10,bogus"], cancellationToken);

        exitCode.Should().Be(2, log);
        log.Should().Contain("--profiles loss-0,");
    }
}
