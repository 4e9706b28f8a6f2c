using System.Globalization;
using LlmSizer.Reports;
using LlmSizer.Units;
using Spectre.Console;

namespace LlmSizer.Cli.Rendering;

internal static class FitRenderer
{
    public static void Render(FitReport report, IAnsiConsole console)
    {
        var d = report.Device;
        console.MarkupLine($"[bold]{Markup.Escape(report.Model.Name)}[/] on {report.Engine}, {Markup.Escape(d.Count == 1 ? d.Name : $"{d.Count} × {d.Name}")}, context {report.ContextTokens} tokens × {report.Sequences} sequence{(report.Sequences == 1 ? "" : "s")}");
        console.WriteLine(report.WeightsNote);
        string verdict = report.Verdict switch
        {
            "fits" => "[green]fits[/] entirely in " + (d.Kind == "cpu" ? "RAM" : "device memory"),
            "fitsWithOffload" => "[yellow]fits with CPU offload[/]",
            _ => "[red]does not fit[/]",
        };
        console.MarkupLine($"Verdict: {verdict}");
        if (report.GpuLayers is { } ngl)
            console.WriteLine($"llama.cpp: -ngl {ngl} ({report.OffloadedLayers} of {ngl + report.OffloadedLayers} layers on the CPU)"
                + (report.TensorSplit is { } split ? $", --tensor-split {string.Join(",", split)}" : "")
                + (report.CpuMoeLayers is { } moe ? $", --n-cpu-moe {moe} (-ot \"blk\\.({string.Join("|", Enumerable.Range(0, moe))})\\.ffn_(up|down|gate)_exps=CPU\")" : ""));
        if (report.TensorParallel is { } tp)
            console.WriteLine($"vLLM: tensor parallel size {tp}" + (report.KvCache is { } kv ? $", KV cache {CountFormat.Exact(kv.Tokens)} tokens ({kv.MaxConcurrency:0.##}× concurrency)" : ""));
        console.WriteLine();

        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("Device").AddColumn("Holds").AddColumn(new TableColumn("Used").RightAligned())
            .AddColumn(new TableColumn("Capacity").RightAligned()).AddColumn(new TableColumn("Margin").RightAligned()).AddColumn("OK");
        foreach (var u in report.Devices)
            table.AddRow(u.Device, Markup.Escape(u.Layers ?? ""), ByteSize.FormatGiB(u.UsedBytes),
                u.CapacityBytes is { } c ? ByteSize.FormatGiB(c) : "not given", ByteSize.FormatGiB(u.MarginBytes), u.Fits ? "[green]yes[/]" : "[red]no[/]");
        console.Write(table);

        console.WriteLine($"System RAM for the host side: {(report.HostRam is { } ram ? $"{ByteSize.FormatGiB(ram.WithMmapBytes)} with mmap (file pages), {ByteSize.FormatGiB(ram.WithoutMmapBytes)} with --no-mmap" : ByteSize.FormatGiB(report.HostRamBytes))} · disk: {ByteSize.FormatGB(report.DiskBytes)} ({ByteSize.FormatGiB(report.DiskBytes)})"
            + (report.LoadSeconds is { } s ? $" · load from {report.Storage}: {s.ToString("0.0", CultureInfo.InvariantCulture)} s" : ""));
        console.WriteLine($"Longest context that fits{(report.GpuLayers is { } at && report.OffloadedLayers > 0 ? $" at -ngl {at}" : "")}: {Tokens(report.MaxContext)}"
            + $" · most sequences of {CountFormat.Exact(report.ContextTokens)} tokens entirely on the device: {Tokens(report.MaxSequences)}");
        console.WriteLine($"Fewest {d.Name} for the whole model: {(report.MinDevices is { } n ? n.ToString(CultureInfo.InvariantCulture) : "more than 64")}"
            + $" · best weights that fit entirely: {report.BestWeights ?? "none"}");
        if (report.TokensPerSecond is { } speed)
            console.WriteLine($"Speed: decode {speed.Decode.ToString("0.#", CultureInfo.InvariantCulture)} tokens/s per sequence ({speed.Bound}-bound)"
                + (report.Sequences > 1 ? $", {speed.AggregateDecode.ToString("0.#", CultureInfo.InvariantCulture)} tokens/s for all {report.Sequences}" : "")
                + $" · prefill {speed.Prefill.ToString("0", CultureInfo.InvariantCulture)} tokens/s · first token of a 512-token prompt after {report.TimeToFirstTokenSeconds?.ToString("0.00", CultureInfo.InvariantCulture)} s");
        console.WriteLine("(GB = 10^9 bytes, GiB = 2^30 bytes)");
        foreach (var note in report.Notes.Concat(report.Model.Notes))
            console.WriteLine($"Note: {note}");
    }

    public static void RenderRanking(FitRanking report, IAnsiConsole console)
    {
        console.MarkupLine($"[bold]{Markup.Escape(report.Model.Name)}[/] on {report.Engine}, context {report.ContextTokens} tokens: devices that hold it entirely");
        console.WriteLine(report.WeightsNote);
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("#").AddColumn("Device").AddColumn("Id").AddColumn(new TableColumn("Count").RightAligned())
            .AddColumn(new TableColumn("Used per device").RightAligned()).AddColumn(new TableColumn("Usable per device").RightAligned())
            .AddColumn(new TableColumn("Bandwidth").RightAligned()).AddColumn(new TableColumn("Decode tok/s").RightAligned());
        int rank = 1;
        foreach (var r in report.Devices)
            table.AddRow($"{rank++}", Markup.Escape(r.Name), r.Id, $"{r.Count}", ByteSize.FormatGiB(r.UsedBytesPerDevice), ByteSize.FormatGiB(r.UsableBytesPerDevice),
                Bandwidth.Format(r.BandwidthBytesPerSecond), r.DecodeTokensPerSecond is { } tps ? tps.ToString("0.#", CultureInfo.InvariantCulture) : "");
        console.Write(table);
        if (report.Devices.Count == 0)
            console.WriteLine("No catalog device holds it entirely, even eight of one; 'llmsizer fit MODEL --device NAME' plans offload to system RAM.");
        foreach (var note in report.Notes)
            console.WriteLine($"Note: {note}");
    }

    public static void RenderTiers(TierReport report, IAnsiConsole console)
    {
        console.MarkupLine($"[bold]{Markup.Escape(report.Model.Name)}[/] on {report.Engine}, context {CountFormat.Exact(report.ContextTokens)} tokens: the cheapest machine of each hardware tier that holds it entirely");
        console.WriteLine(report.WeightsNote);
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("Tier").AddColumn("Cheapest option").AddColumn(new TableColumn("Count").RightAligned())
            .AddColumn(new TableColumn("Used per device").RightAligned()).AddColumn(new TableColumn("Usable per device").RightAligned())
            .AddColumn(new TableColumn("Bandwidth").RightAligned());
        foreach (var t in report.Tiers)
        {
            string tier = Markup.Escape(t.Name) + (t.Id == report.CheapestTier ? " [green](cheapest)[/]" : "");
            if (t.Cheapest is { } o)
                table.AddRow(tier, Markup.Escape($"{o.Name} ({o.Id})"), $"{o.Count}", ByteSize.FormatGiB(o.UsedBytesPerDevice), ByteSize.FormatGiB(o.UsableBytesPerDevice),
                    Bandwidth.Format(o.BandwidthBytesPerSecond));
            else
                table.AddRow(tier, $"[red]none[/] (up to {t.MaxCount} of one device)", "", "", "", "");
        }
        console.Write(table);
        console.WriteLine(report.CheapestTier is null
            ? "No tier runs it entirely; try smaller weights (--weights) or a shorter --context, or 'llmsizer fit MODEL --device NAME' for offload."
            : $"Cheapest tier: {report.Tiers.First(t => t.Id == report.CheapestTier).Name}");
        console.WriteLine("(GiB = 2^30 bytes; bandwidth in GB/s, 10^9 bytes/s)");
        foreach (var note in report.Notes)
            console.WriteLine($"Note: {note}");
    }

    private static string Tokens(int? value) => value is { } v ? CountFormat.Exact(v) : "none";
}
