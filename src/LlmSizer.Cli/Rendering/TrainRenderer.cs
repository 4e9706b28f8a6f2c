using System.Globalization;
using LlmSizer.Reports;
using LlmSizer.Units;
using Spectre.Console;

namespace LlmSizer.Cli.Rendering;

internal static class TrainRenderer
{
    public static void Render(TrainReport report, IAnsiConsole console, bool explain)
    {
        var p = report.Parameters;
        console.MarkupLine($"[bold]{Markup.Escape(report.Model.Name)}[/]: {report.Method} training, {CountFormat.Exact(p.Trainable)} of {CountFormat.Exact(p.Total)} parameters trainable"
            + (report.Method == "full" ? "" : $" ({p.TrainablePercent.ToString("0.####", CultureInfo.InvariantCulture)}%)"));
        console.WriteLine("Settings: " + string.Join(", ", report.Settings.Select(s => $"{s.Name} {s.Value}")));
        console.WriteLine();

        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("Item").AddColumn("Kind").AddColumn("Where")
            .AddColumn(new TableColumn("Bytes").RightAligned()).AddColumn(new TableColumn("GB").RightAligned()).AddColumn(new TableColumn("GiB").RightAligned());
        if (!explain)
            table.AddColumn("Formula");
        foreach (var i in report.Items)
        {
            var cells = new List<string> { Markup.Escape(i.Name), i.Category, Where(i.Location), CountFormat.Exact(i.Bytes), ByteSize.FormatGB(i.Bytes), ByteSize.FormatGiB(i.Bytes) };
            if (!explain)
                cells.Add(Markup.Escape(i.Formula));
            table.AddRow(cells.ToArray());
        }
        var m = report.Memory;
        table.AddEmptyRow();
        var total = new List<string> { "[bold]per GPU[/]", "", "", $"[bold]{CountFormat.Exact(m.PerGpuBytes)}[/]", $"[bold]{ByteSize.FormatGB(m.PerGpuBytes)}[/]", $"[bold]{ByteSize.FormatGiB(m.PerGpuBytes)}[/]" };
        if (!explain)
            total.Add("");
        table.AddRow(total.ToArray());
        console.Write(table);
        console.WriteLine($"per GPU: weights {ByteSize.FormatGiB(m.WeightsBytes)} · gradients {ByteSize.FormatGiB(m.GradientsBytes)} · optimizer {ByteSize.FormatGiB(m.OptimizerBytes)} · "
            + $"activations {ByteSize.FormatGiB(m.ActivationsBytes)} · overhead {ByteSize.FormatGiB(m.OverheadBytes)}  (GB = 10^9 bytes, GiB = 2^30 bytes)");
        var g = report.Gpus;
        console.WriteLine($"all {g.Count} GPU{(g.Count == 1 ? "" : "s")}: {ByteSize.FormatGiB(m.TotalBytes)}"
            + (m.CpuBytesPerNode > 0 ? $" · host RAM per node {ByteSize.FormatGiB(m.CpuBytesPerNode)}" : "")
            + (m.NvmeBytesPerNode > 0 ? $" · NVMe per node {ByteSize.FormatGiB(m.NvmeBytesPerNode)}" : ""));
        if (g.Device is { } device)
        {
            string verdict = g.Fits == true ? "[green]fits[/]" : "[red]does not fit[/]";
            console.MarkupLine($"{Markup.Escape(device)} ({ByteSize.FormatGiB(g.UsableBytesPerGpu ?? 0)} usable): {verdict} on {g.Count} GPU{(g.Count == 1 ? "" : "s")}"
                + (g.Minimum is { } min ? $"; fewest that fit: {min}" : $"; {Markup.Escape(g.MinimumNote ?? "")}"));
        }

        console.WriteLine();
        var q = report.QuickEstimates;
        console.WriteLine($"Quick estimate (rule of thumb): model states {q.ModelStatesFormula}; assumes {q.ModelStatesAssumes}.");
        if (q.GpusFormula is not null)
            console.WriteLine($"Quick estimate (rule of thumb): GPUs {q.GpusFormula}.");
        if (q.DeepSpeed is { } ds)
            console.WriteLine($"DeepSpeed's estimator (model states only): {ByteSize.FormatGiB(ds.GpuBytes)} per GPU, {ByteSize.FormatGiB(ds.CpuBytesPerNode)} host RAM per node  [{ds.Printed}]");

        var c = report.Compute;
        console.WriteLine($"Compute: {c.Tokens.ToString("0.###e0", CultureInfo.InvariantCulture)} tokens, {c.ModelFlops.ToString("0.###e0", CultureInfo.InvariantCulture)} FLOPs ({c.Formula}).");
        console.WriteLine($"Time on {g.Count} × {c.Device} at {(c.ModelFlopsUtilization * 100).ToString("0.#", CultureInfo.InvariantCulture)}% MFU: "
            + $"{c.GpuHours.ToString("N0", CultureInfo.InvariantCulture)} GPU-hours, {c.Days.ToString("N1", CultureInfo.InvariantCulture)} days"
            + (c.CostUsd is { } cost ? $", ${cost.ToString("N0", CultureInfo.InvariantCulture)}" : "") + ".");
        var k = report.Checkpoint;
        console.WriteLine($"Checkpoint: {ByteSize.FormatGB(k.WeightsBytes)} ({k.WeightsFormula}); with optimizer states {ByteSize.FormatGB(k.WithOptimizerBytes)} ({k.WithOptimizerFormula}).");

        if (explain)
        {
            console.WriteLine();
            foreach (var i in report.Items)
                LineExplanation.Write(console, i.Name, i.Bytes, Where(i.Location), i.Formula, i.Inputs, i.Source);
            console.WriteLine($"time: {c.TimeFormula}");
        }
        foreach (var note in report.Notes.Concat(report.Model.Notes))
            console.WriteLine($"Note: {note}");
    }

    private static string Where(string location) => location == "GPU" ? "per GPU" : $"{location} per node";
}
