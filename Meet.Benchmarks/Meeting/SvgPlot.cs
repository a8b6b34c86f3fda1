using System.Globalization;
using System.Text;

namespace Meet.Benchmarks.Meeting;

// A dependency-free line chart (SVG) of one figure over a step's measured window, one line per step:
// enough to see a trend or a stall next to the JSON, without pulling a plotting library's native
// rendering assets into the benchmark project.
internal static class SvgPlot
{
    private const int Width = 720;
    private const int Height = 360;
    private const int Left = 70;
    private const int Right = 150;
    private const int Top = 30;
    private const int Bottom = 40;
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

    public static string Render(string title, string unit, IReadOnlyList<(string Name, IReadOnlyList<(double X, double Y)> Points)> series)
    {
        var points = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.Y)).ToList();
        var maxX = points.Count > 0 ? Math.Max(1, points.Max(p => p.X)) : 1;
        var maxY = points.Count > 0 ? NiceCeiling(points.Max(p => p.Y)) : 1;
        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        string X(double x) => (Left + x / maxX * plotWidth).ToString("F1", CultureInfo.InvariantCulture);
        string Y(double y) => (Top + plotHeight - y / maxY * plotHeight).ToString("F1", CultureInfo.InvariantCulture);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"12\">");
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"18\" font-size=\"14\">{Escape(title)}</text>");
        for (var i = 0; i <= 4; i++)
        {
            var y = maxY * i / 4;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left + plotWidth}\" y1=\"{Y(y)}\" y2=\"{Y(y)}\" stroke=\"#ddd\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{Y(y)}\" text-anchor=\"end\" dominant-baseline=\"middle\">{y.ToString("G4", CultureInfo.InvariantCulture)}</text>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + plotWidth / 2}\" y=\"{Height - 8}\" text-anchor=\"middle\">seconds into the measured window</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"14\" y=\"{Top + plotHeight / 2}\" transform=\"rotate(-90 14 {Top + plotHeight / 2})\" text-anchor=\"middle\">{Escape(unit)}</text>");
        for (var s = 0; s < series.Count; s++)
        {
            var color = Colors[s % Colors.Length];
            var line = string.Join(' ', series[s].Points.Where(p => double.IsFinite(p.Y)).Select(p => $"{X(p.X)},{Y(p.Y)}"));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{line}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left + plotWidth + 12}\" y=\"{Top + s * 18}\" width=\"12\" height=\"12\" fill=\"{color}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + plotWidth + 30}\" y=\"{Top + s * 18 + 10}\">{Escape(series[s].Name)}</text>");
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    // Writes the four figures of issue 14 (packets/s, server CPU, latency, loss over time) beside the JSON.
    public static void WriteAll(string folder, IReadOnlyList<StepResult> results)
    {
        void Write(string file, string title, string unit, Func<TimeSample, double> value) =>
            File.WriteAllText(Path.Combine(folder, file), Render(title, unit,
                [.. results.Select(r => (r.Step, (IReadOnlyList<(double, double)>)[.. r.Series.Select(s => (s.Second, value(s)))]))]));
        Write("packets-out.svg", "Packets/s received by subscribers", "packets/s", s => s.PacketsOutPerSecond);
        Write("server-cpu.svg", "Server CPU (100% = one core)", "% of a core", s => s.ServerCpuPercent);
        Write("latency-p99.svg", "One-way latency p99 (generator -> SFU -> generator)", "ms", s => s.LatencyP99Ms);
        Write("loss.svg", "Loss seen by subscribers", "%", s => s.LossPercent);
    }

    private static double NiceCeiling(double value)
    {
        if (value <= 0 || !double.IsFinite(value))
            return 1;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (value <= step * magnitude)
                return step * magnitude;
        }
        return 10 * magnitude;
    }

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
