using LlmSizer.Reports;
using LlmSizer.Units;
using Spectre.Console;

namespace LlmSizer.Cli.Rendering;

internal static class EstimateRenderer
{
    public static void Render(EstimateReport report, IAnsiConsole console, bool explain)
    {
        console.MarkupLine($"[bold]{Markup.Escape(report.Model.Name)}[/] on {report.Engine}, context {report.ContextTokens} tokens");
        console.WriteLine("Settings: " + string.Join(", ", report.Settings.Select(s => $"{s.Name} {s.Value}")));
        console.WriteLine();

        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("Item").AddColumn("Kind").AddColumn("Device")
            .AddColumn(new TableColumn("Bytes").RightAligned()).AddColumn(new TableColumn("GB").RightAligned()).AddColumn(new TableColumn("GiB").RightAligned());
        if (!explain)
            table.AddColumn("Formula");
        foreach (var i in report.Items)
        {
            var cells = new List<string> { Markup.Escape(i.Name), i.Category, i.Device ?? "", CountFormat.Exact(i.Bytes), ByteSize.FormatGB(i.Bytes), ByteSize.FormatGiB(i.Bytes) };
            if (!explain)
                cells.Add(Markup.Escape(i.Formula));
            table.AddRow(cells.ToArray());
        }
        var m = report.Memory;
        table.AddEmptyRow();
        var total = new List<string> { "[bold]total[/]", "", "", $"[bold]{CountFormat.Exact(m.TotalBytes)}[/]", $"[bold]{ByteSize.FormatGB(m.TotalBytes)}[/]", $"[bold]{ByteSize.FormatGiB(m.TotalBytes)}[/]" };
        if (!explain)
            total.Add("");
        table.AddRow(total.ToArray());
        console.Write(table);
        console.WriteLine($"weights {ByteSize.FormatGiB(m.WeightsBytes)} · KV cache {ByteSize.FormatGiB(m.KvCacheBytes)} · compute {ByteSize.FormatGiB(m.ComputeBytes)} · overhead {ByteSize.FormatGiB(m.OverheadBytes)}  (GB = 10^9 bytes, GiB = 2^30 bytes)");
        if (report.ByDevice.Count > 1)
            console.WriteLine("By device: " + string.Join(", ", report.ByDevice.Select(d => $"{d.Device} {ByteSize.FormatGiB(d.Bytes)}")));
        if (report.KvCache is { } kv)
            console.WriteLine($"KV cache capacity: {CountFormat.Exact(kv.Tokens)} tokens, {kv.MaxConcurrency:0.##}× concurrency at {report.ContextTokens} tokens per request");

        if (explain)
        {
            console.WriteLine();
            foreach (var i in report.Items)
                LineExplanation.Write(console, i.Name, i.Bytes, null, i.Formula, i.Inputs, i.Source);
        }
        foreach (var note in report.Notes.Concat(report.Model.Notes))
            console.WriteLine($"Note: {note}");
    }
}
