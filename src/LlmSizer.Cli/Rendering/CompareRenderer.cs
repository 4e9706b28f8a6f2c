using LlmSizer.Reports;
using LlmSizer.Units;
using Spectre.Console;

namespace LlmSizer.Cli.Rendering;

/// <summary>Prints a comparison with one column per model and one row per quantity.</summary>
internal static class CompareRenderer
{
    public static void Render(ComparisonReport report, IAnsiConsole console)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumn("");
        foreach (var m in report.Models)
            table.AddColumn(new TableColumn(Markup.Escape(m.Input)).RightAligned());

        void Row(string label, Func<ComparedModel, string> cell) =>
            table.AddRow([label, .. report.Models.Select(m => cell(m))]);

        Row("Model", m => Markup.Escape(m.Model.Name));
        Row("Engine", m => m.Engine);
        Row("Weights type", m => Markup.Escape(m.Weights));
        Row("Parameters (total)", m => CountFormat.Short(m.Parameters.Total));
        Row("Parameters (active)", m => CountFormat.Short(m.Parameters.Active));
        Row("Context (tokens)", m => CountFormat.Exact(m.ContextTokens));
        Row("Weights memory", m => ByteSize.FormatGB(m.Memory.WeightsBytes));
        Row("KV cache", m => ByteSize.FormatGB(m.Memory.KvCacheBytes));
        Row("Total memory", m => ByteSize.FormatGB(m.Memory.TotalBytes));
        Row("Total memory (GiB)", m => ByteSize.FormatGiB(m.Memory.TotalBytes));
        for (int d = 0; d < report.Devices.Count; d++)
        {
            var device = report.Devices[d];
            int i = d;
            Row(Markup.Escape(device.Count == 1 ? device.Id : $"{device.Id} ×{device.Count}"), m => Verdict(m.Fits[i]));
        }
        Row("Cheapest tier", m => m.CheapestTier is { } t ? Markup.Escape($"{t.Name}: {t.Option.Id}{(t.Option.Count > 1 ? $" ×{t.Option.Count}" : "")}") : "[red]none[/]");
        console.Write(table);
        console.WriteLine("(GB = 10^9 bytes, GiB = 2^30 bytes)");
        foreach (var note in report.Notes)
            console.WriteLine($"Note: {note}");
    }

    private static string Verdict(ComparedFit fit) => VerdictOnly(fit)
        + (fit.DecodeTokensPerSecond is { } tps ? $", {tps.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} tok/s" : "");

    private static string VerdictOnly(ComparedFit fit) => fit.Verdict switch
    {
        "fits" => "[green]fits[/]" + (fit.TensorParallel is > 1 and var tp ? $" (TP {tp})" : ""),
        "fitsWithOffload" => "[yellow]offload[/]" + (fit.GpuLayers is { } ngl ? $" (-ngl {ngl}, {fit.OffloadedLayers} on CPU)" : ""),
        "unsupported" => "n/a (engine)",
        _ => "[red]no[/]",
    };
}
