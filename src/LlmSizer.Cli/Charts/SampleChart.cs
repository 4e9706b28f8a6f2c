using System.Globalization;
using LlmSizer.Reports;
using ScottPlot;

namespace LlmSizer.Cli.Charts;

/// <summary>
/// Draws a <see cref="SampleReport"/>'s before/after: for the input's most probable tokens, their probability in the input
/// (temperature 1) beside their probability in the final distribution (0 when cut), in percent.
/// </summary>
internal static class SampleChart
{
    /// <summary>At most this many tokens, so labels stay legible at the chart's width.</summary>
    public const int MaxTokens = 25;

    public static Plot Draw(SampleReport report)
    {
        var plot = new Plot();
        var tokens = report.Stages[0].Candidates.Take(MaxTokens).ToList();
        var final = report.Final.ToDictionary(c => c.Id, c => c.Probability);
        var before = new Color(0x99, 0x99, 0x99);
        var after = Color.FromHex("#1f77b4");
        var bars = new List<Bar>();
        for (int i = 0; i < tokens.Count; i++)
        {
            bars.Add(new Bar { Position = i - 0.2, Value = 100 * tokens[i].Probability, FillColor = before, Size = 0.4, LineWidth = 0 });
            bars.Add(new Bar { Position = i + 0.2, Value = 100 * final.GetValueOrDefault(tokens[i].Id), FillColor = after, Size = 0.4, LineWidth = 0 });
        }
        plot.Add.Bars(bars);

        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int i = 0; i < tokens.Count; i++)
            ticks.AddMajor(i, tokens[i].Token.Length > 14 ? tokens[i].Token[..13] + "…" : tokens[i].Token);
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 15;
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 110;
        plot.Axes.Left.TickLabelStyle.FontSize = 15;

        var stages = report.Stages.Skip(1).Select(s => $"{s.Name} {s.Setting}").ToList();
        string chain = stages.Count == 0 ? "no stage changes it" : string.Join(" → ", stages);
        plot.Title($"{report.Engine}: {chain}");
        plot.Axes.Title.Label.FontSize = 21;
        plot.XLabel($"Token (the input's {tokens.Count} most probable)");
        plot.YLabel("Probability (%)");
        plot.Axes.Bottom.Label.FontSize = 17;
        plot.Axes.Left.Label.FontSize = 17;
        double top = 100 * Math.Max(tokens.Select(t => t.Probability).DefaultIfEmpty(0).Max(), report.Final.Select(c => c.Probability).DefaultIfEmpty(0).Max());
        plot.Axes.SetLimits(-0.7, tokens.Count - 0.3, 0, top * 1.12);
        plot.HideGrid();
        plot.Grid.YAxisStyle.IsVisible = true;

        plot.Legend.ManualItems.Add(new LegendItem
        {
            LabelText = $"input, temperature 1 (entropy {Num(report.Stages[0].EntropyNats)} nats, e^H {Num(report.Stages[0].EffectiveCandidates)})",
            FillColor = before,
        });
        plot.Legend.ManualItems.Add(new LegendItem
        {
            LabelText = $"final: {report.FinalSurvivors:N0} tokens can be drawn (entropy {Num(report.EntropyNats)} nats, e^H {Num(report.EffectiveCandidates)})",
            FillColor = after,
        });
        plot.Legend.FontSize = 16;
        plot.Legend.FontName = ChartFonts.Name;
        plot.Legend.Alignment = Alignment.UpperRight;
        plot.ShowLegend();
        return plot;
    }

    private static string Num(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
}
