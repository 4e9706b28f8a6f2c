using System.Globalization;
using LlmSizer.Reports;
using LlmSizer.Units;
using ScottPlot;

namespace LlmSizer.Cli.Charts;

/// <summary>Draws a <see cref="MemoryCurve"/>: memory in GiB against context on a log2 axis, one line per weight type, dashed device capacities.</summary>
internal static class MemoryCurveChart
{
    public static Plot Draw(MemoryCurve curve)
    {
        var plot = new Plot();
        double[] xs = curve.ContextTokens.Select(c => Math.Log2(c)).ToArray();
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < curve.Series.Count; i++)
        {
            var s = curve.Series[i];
            var line = plot.Add.Scatter(xs, s.TotalBytes.Select(ByteSize.ToGiB).ToArray(), palette.GetColor(i));
            line.LegendText = s.Weights;
            line.LineWidth = 2.5f;
            line.MarkerSize = 7;
        }
        // Capacities up to the first one above every curve: higher ones would squash the curves without telling more.
        double highest = curve.Series.SelectMany(s => s.TotalBytes).Select(ByteSize.ToGiB).DefaultIfEmpty(1).Max();
        var shown = curve.Capacities.OrderBy(c => c.UsableBytes).ToList();
        int firstAbove = shown.FindIndex(c => ByteSize.ToGiB(c.UsableBytes) >= highest);
        if (firstAbove >= 0)
            shown = shown.Take(firstAbove + 1).ToList();
        var gray = Colors.DimGray;
        foreach (var c in shown)
        {
            double gib = ByteSize.ToGiB(c.UsableBytes);
            plot.Add.HorizontalLine(gib, 1.5f, gray, LinePattern.Dashed).ExcludeFromLegend = true;
            // At the left, where the curves are flattest, on a light background so a crossing curve does not hide it.
            var label = plot.Add.Text($"{c.Device}: {gib.ToString("0.#", CultureInfo.InvariantCulture)} GiB usable", xs[0] - 0.25, gib);
            label.LabelAlignment = Alignment.LowerLeft;
            label.LabelFontSize = 14;
            label.LabelFontName = ChartFonts.Name;
            label.LabelFontColor = gray;
            label.LabelBackgroundColor = Colors.White.WithAlpha(0.85);
        }

        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (int c in curve.ContextTokens)
            ticks.AddMajor(Math.Log2(c), c % 1024 == 0 ? $"{c / 1024}K" : CountFormat.Exact(c));
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Title($"{curve.Model.Name} on {curve.Engine}: memory against context");
        plot.XLabel("Context (tokens, log2 scale)");
        plot.YLabel("Memory (GiB, 2^30 bytes)");
        plot.Axes.Title.Label.FontSize = 22;
        plot.Axes.Bottom.Label.FontSize = 17;
        plot.Axes.Left.Label.FontSize = 17;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 14;
        plot.Axes.Left.TickLabelStyle.FontSize = 14;
        double top = Math.Max(highest, shown.Select(c => ByteSize.ToGiB(c.UsableBytes)).DefaultIfEmpty(0).Max());
        plot.Axes.SetLimitsY(0, top * 1.1);
        plot.Axes.SetLimitsX(xs[0] - 0.3, xs[^1] + 0.3);
        plot.Legend.FontSize = 15;
        plot.Legend.FontName = ChartFonts.Name;
        plot.ShowLegend(Edge.Right);
        return plot;
    }
}
