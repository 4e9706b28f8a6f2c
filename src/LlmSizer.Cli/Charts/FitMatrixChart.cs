using LlmSizer.Reports;
using LlmSizer.Units;
using ScottPlot;

namespace LlmSizer.Cli.Charts;

/// <summary>Draws a <see cref="FitMatrix"/> as coloured cells: devices down, weight types across (best quality left), green fits, amber offload, red no.</summary>
internal static class FitMatrixChart
{
    private static readonly Color Fits = Color.FromHex("#2ca02c"), Offload = Color.FromHex("#f0ad23"), No = Color.FromHex("#d62728");

    public static Plot Draw(FitMatrix matrix)
    {
        var plot = new Plot();
        int columns = matrix.Weights.Count, rows = matrix.Rows.Count;
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                var cell = matrix.Rows[r].Cells[c];
                // Row 0 at the top: y runs downwards as -r.
                var rect = plot.Add.Rectangle(c, c + 1, -r - 1, -r);
                rect.FillColor = cell.Verdict switch { "fits" => Fits, "fitsWithOffload" => Offload, _ => No };
                rect.LineColor = Colors.White;
                rect.LineWidth = 2;
                string label = cell.Verdict switch
                {
                    "fits" => "fits",
                    "fitsWithOffload" => cell.GpuLayers is { } ngl ? $"ngl {ngl}" : "offload",
                    _ => "no",
                };
                var text = plot.Add.Text(label, c + 0.5, -r - 0.5);
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontName = ChartFonts.Name;
                text.LabelFontSize = columns > 10 ? 11 : 14;
                text.LabelFontColor = cell.Verdict == "fitsWithOffload" ? Colors.Black : Colors.White;
            }
        }

        var x = new ScottPlot.TickGenerators.NumericManual();
        for (int c = 0; c < columns; c++)
            x.AddMajor(c + 0.5, matrix.Weights[c]);
        plot.Axes.Bottom.TickGenerator = x;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        if (columns > 8)
        {
            // Slanted so long names (IQ3_XXS) do not run into each other; the axis gets the room they take.
            plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
            plot.Axes.Bottom.MinimumSize = 90;
            plot.Axes.Bottom.MajorTickStyle.Length = 0;
            plot.Axes.Bottom.TickLabelStyle.OffsetY = 4;
        }
        var y = new ScottPlot.TickGenerators.NumericManual();
        for (int r = 0; r < rows; r++)
            y.AddMajor(-r - 0.5, matrix.Rows[r].Device);
        plot.Axes.Left.TickGenerator = y;
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        plot.Axes.SetLimits(0, columns, -rows, 0);

        // Each group (a tier) named on the right at its middle row, its rows set apart by a dark line.
        var groups = new ScottPlot.TickGenerators.NumericManual();
        for (int r = 0; r < rows;)
        {
            int end = r;
            while (end + 1 < rows && matrix.Rows[end + 1].Group == matrix.Rows[r].Group)
                end++;
            groups.AddMajor(-(r + end + 1) / 2.0, matrix.Rows[r].Group);
            if (r > 0)
                plot.Add.HorizontalLine(-r, 3, Colors.Black).ExcludeFromLegend = true;
            r = end + 1;
        }
        plot.Axes.Right.TickGenerator = groups;
        plot.Axes.Right.TickLabelStyle.FontSize = 13;
        plot.Axes.Right.MajorTickStyle.Length = 0;
        plot.Axes.SetLimitsY(-rows, 0, plot.Axes.Right);
        plot.HideGrid();

        plot.Title($"{matrix.Model.Name} on {matrix.Engine}, context {CountFormat.Exact(matrix.ContextTokens)} tokens: which device runs which weights");
        plot.Axes.Title.Label.FontSize = 20;
        plot.XLabel("Weights (best quality left)");
        plot.YLabel("Device (× count)");
        plot.Axes.Bottom.Label.FontSize = 16;
        plot.Axes.Left.Label.FontSize = 16;
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "fits on the device", FillColor = Fits });
        // vLLM does not offload; llama.cpp's cells name the -ngl that fits.
        if (matrix.Engine != "vllm")
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = $"CPU offload ({(matrix.Engine == "llama.cpp" ? "-ngl N, " : "")}{ByteSize.FormatGiB(matrix.HostRamBytes, 1)} RAM beside a GPU)",
                FillColor = Offload,
            });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "does not fit", FillColor = No });
        plot.Legend.FontSize = 14;
        plot.Legend.FontName = ChartFonts.Name;
        plot.ShowLegend(Edge.Bottom);
        plot.Legend.Orientation = Orientation.Horizontal;
        return plot;
    }

    /// <summary>A height that gives each row room for its label: 34 px a row plus the title, axis and legend.</summary>
    public static int HeightFor(FitMatrix matrix) => Math.Max(ChartFile.Height, 260 + 34 * matrix.Rows.Count);
}
