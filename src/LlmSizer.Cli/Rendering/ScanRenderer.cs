using LlmSizer.Reports;
using LlmSizer.Units;
using Spectre.Console;

namespace LlmSizer.Cli.Rendering;

internal static class ScanRenderer
{
    public static void Render(ScanReport report, IAnsiConsole console)
    {
        if (report.Models.Count == 0)
        {
            console.WriteLine($"No models found in: {string.Join(", ", report.Searched)}");
        }
        else
        {
            var table = new Table().Border(TableBorder.Simple)
                .AddColumn("Name").AddColumn("Store").AddColumn("Architecture")
                .AddColumn(new TableColumn("Parameters").RightAligned()).AddColumn("Quant mix")
                .AddColumn(new TableColumn("On disk").RightAligned()).AddColumn("Path");
            foreach (var m in report.Models)
                table.AddRow(
                    Markup.Escape(m.Name), m.Store, Markup.Escape(m.Architecture ?? "?"),
                    m.Parameters is { } p ? CountFormat.Short(p) : "unreadable",
                    Markup.Escape(string.Join(", ", m.QuantMix.Take(3).Select(q => $"{q.Type} {q.SharePercent:0.#}%"))),
                    ByteSize.FormatGB(m.SizeOnDiskBytes), Markup.Escape(m.Path));
            console.Write(table);
            console.WriteLine($"{report.Models.Count} models. On disk in GB (10^9 bytes).");
        }
        foreach (var problem in report.Problems)
            console.WriteLine($"Problem: {problem}");
    }
}
