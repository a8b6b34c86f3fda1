using System.Globalization;
using Spectre.Console;

namespace Meet.Benchmarks.Meeting;

// The interactive progress of a run: a Spectre.Console live table with one row per step (participants
// joined, packets/s in and out, server and generator CPU, latency p99, loss), refreshed as the step
// reports; a finished step's row keeps its summary.
internal static class LiveDisplay
{
    public static async Task RunAsync(MeetingScenario scenario, Func<Action<MeetingProgress>, Action<StepResult>, Task> run)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"meeting {scenario.Name}");
        foreach (var column in new[] { "step", "phase", "joined", "failed", "with media", "in p/s", "out p/s", "server CPU", "generator CPU", "p99 ms", "loss", "server MiB", "threads" })
            table.AddColumn(new TableColumn(column).RightAligned());
        var rows = new Dictionary<string, int>(StringComparer.Ordinal);
        await AnsiConsole.Live(table).AutoClear(false).StartAsync(async context =>
        {
            void Set(string step, string[] cells)
            {
                lock (rows)
                {
                    if (!rows.TryGetValue(step, out var row))
                    {
                        rows[step] = row = table.Rows.Count;
                        table.AddRow(cells.Select(c => new Markup(Markup.Escape(c))).ToArray());
                    }
                    else
                    {
                        for (var c = 0; c < cells.Length; c++)
                            table.UpdateCell(row, c, new Markup(Markup.Escape(cells[c])));
                    }
                    context.Refresh();
                }
            }

            await run(p => Set(p.Step, Cells(p)), r => Set(r.Step, Cells(r)));
        });
    }

    private static string[] Cells(MeetingProgress p)
    {
        var s = p.Sample;
        return
        [
            p.Step, p.Phase, $"{p.Joined}/{p.Participants}", N(p.Failed), N(p.WithMedia),
            s is null ? "" : N(s.PacketsInPerSecond), s is null ? "" : N(s.PacketsOutPerSecond),
            s is null ? "" : $"{s.ServerCpuPercent.ToString("F0", CultureInfo.InvariantCulture)} %",
            s is null ? "" : $"{s.GeneratorCpuPercent.ToString("F0", CultureInfo.InvariantCulture)} %",
            s is null ? "" : s.LatencyP99Ms.ToString("F2", CultureInfo.InvariantCulture),
            s is null ? "" : $"{s.LossPercent.ToString("F2", CultureInfo.InvariantCulture)} %",
            p.ServerMiB.ToString("F0", CultureInfo.InvariantCulture), N(p.ServerThreads),
        ];
    }

    private static string[] Cells(StepResult r) =>
    [
        r.Step, "done", $"{r.Joined}/{r.Participants}", N(r.JoinFailures), $"{r.SubscribersWithAllMedia}/{r.Subscribers} all",
        N(r.PacketsInPerSecond), N(r.PacketsOutPerSecond),
        $"{(100 * r.ServerCores).ToString("F0", CultureInfo.InvariantCulture)} %", $"{(100 * r.GeneratorCores).ToString("F0", CultureInfo.InvariantCulture)} %",
        r.LatencyP99Ms.ToString("F2", CultureInfo.InvariantCulture), $"{r.LossPercent.ToString("F2", CultureInfo.InvariantCulture)} %",
        (r.ServerRssBytes / 1048576.0).ToString("F0", CultureInfo.InvariantCulture), $"{r.ServerBaselineThreads} → {r.ServerThreads}",
    ];

    private static string N(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
