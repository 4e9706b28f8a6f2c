using LlmSizer.Models;
using LlmSizer.Reports;
using LlmSizer.Units;
using Spectre.Console;

namespace LlmSizer.Cli.Rendering;

internal static class InspectRenderer
{
    public static void Render(InspectReport report, IAnsiConsole console)
    {
        var m = report.Model;
        var p = report.Parameters;
        console.MarkupLine($"[bold]{Markup.Escape(m.Name)}[/]  ({Markup.Escape(OriginText(m))})");
        console.WriteLine(report.Architecture is { } arch ? ArchitectureLine(arch) : "architecture: not mapped (parameters come from the tensors)");
        console.WriteLine();

        string official = p.Official is { } o
            ? $"   official: {o.Total}{(o.TotalMatches ? " ✓" : " ✗")}  ({o.Source})"
            : "";
        console.WriteLine($"Parameters: {CountFormat.Exact(p.Total)} ({CountFormat.Short(p.Total)}), counted from the {p.CountedFrom}{official}");
        if (p.Active != p.Total)
            console.WriteLine($"Active per token: {CountFormat.Exact(p.Active)} ({CountFormat.Short(p.Active)}), embedding included"
                + (p.Official?.Active is { } a ? $"   official: {a}" + (p.Official.ActiveExcludesEmbedding
                    ? $", which leaves the input embedding out ({CountFormat.Short(p.Active - p.Breakdown.Embedding)} on that basis)"
                    : "") : ""));
        if (p.ReportedApart.Total > 0)
            console.WriteLine($"Reported apart: {CountFormat.Exact(p.ReportedApart.Total)} ({CountFormat.Short(p.ReportedApart.Total)}) in the multi-token-prediction module, not in the total");
        console.WriteLine();

        var breakdown = new Table().Border(TableBorder.Simple).Title("Breakdown")
            .AddColumn("Category").AddColumn(new TableColumn("Parameters").RightAligned()).AddColumn(new TableColumn("Share").RightAligned());
        bool moe = p.Active != p.Total;
        if (moe)
            breakdown.AddColumn(new TableColumn("Active").RightAligned());
        foreach (var (name, total, active) in Rows(p))
        {
            var cells = new List<string> { name, CountFormat.Exact(total), $"{100.0 * total / p.Total:0.00}%" };
            if (moe)
                cells.Add(CountFormat.Exact(active));
            breakdown.AddRow(cells.ToArray());
        }
        console.Write(breakdown);

        if (p.Components.Count > 0)
            RenderDetail(p, console);
        if (report.File is { } file)
            RenderFile(file, console);

        var weights = new Table().Border(TableBorder.Simple).Title("Weights")
            .AddColumn("Format").AddColumn(new TableColumn("Bits/param").RightAligned()).AddColumn(new TableColumn("Bytes").RightAligned())
            .AddColumn(new TableColumn("GB").RightAligned()).AddColumn(new TableColumn("GiB").RightAligned());
        foreach (var w in report.Weights)
            weights.AddRow(w.Format, w.BitsPerParameter.ToString(), CountFormat.Exact(w.Bytes), ByteSize.FormatGB(w.Bytes), ByteSize.FormatGiB(w.Bytes));
        console.Write(weights);
        console.WriteLine("GB = 10^9 bytes, GiB = 2^30 bytes. Raw weights of all parameters: INT8/INT4 quantization scales add a few percent;");
        console.WriteLine("running the model needs more (KV cache, compute buffers, runtime overhead).");

        foreach (var note in m.Notes)
            console.WriteLine($"Note: {note}");
    }

    private static void RenderDetail(ParametersInfo p, IAnsiConsole console)
    {
        var detail = new Table().Border(TableBorder.Simple)
            .Title(p.CountedFrom == "architecture" ? "Per-layer detail" : "Per-layer detail (from the architecture)")
            .AddColumn("Tensor group").AddColumn(new TableColumn("×").RightAligned()).AddColumn(new TableColumn("Each").RightAligned())
            .AddColumn(new TableColumn("Total").RightAligned()).AddColumn("Formula (each)");
        foreach (var c in p.Components.Concat(p.ReportedApart.Components))
            detail.AddRow(Markup.Escape(c.Name), c.Instances.ToString(), CountFormat.Exact(c.PerInstance), CountFormat.Exact(c.Total), Markup.Escape(c.Formula));
        console.Write(detail);
    }

    private static void RenderFile(FileInfoReport file, IAnsiConsole console)
    {
        console.WriteLine($"{file.Format} file{(file.Files.Count > 1 ? $"s ({file.Files.Count})" : "")}: {ByteSize.FormatGB(file.FileBytes)} ({ByteSize.FormatGiB(file.FileBytes)}), "
            + $"{file.Tensors} tensors, {ByteSize.FormatGB(file.StoredBytes)} of tensor data, {file.BitsPerWeight:0.00} bits per weight (scales included)");
        var mix = new Table().Border(TableBorder.Simple).Title("Quant mix")
            .AddColumn("Type").AddColumn(new TableColumn("Parameters").RightAligned()).AddColumn(new TableColumn("Share").RightAligned())
            .AddColumn(new TableColumn("Bytes").RightAligned()).AddColumn(new TableColumn("GB").RightAligned());
        foreach (var t in file.QuantMix)
            mix.AddRow(Markup.Escape(t.Type), CountFormat.Exact(t.Parameters), $"{t.SharePercent:0.00}%", CountFormat.Exact(t.Bytes), ByteSize.FormatGB(t.Bytes));
        console.Write(mix);
        foreach (var m in file.Mismatches)
            console.WriteLine($"Mismatch: {m}");
    }

    private static IEnumerable<(string, long, long)> Rows(ParametersInfo p)
    {
        yield return ("embedding", p.Breakdown.Embedding, p.ActiveBreakdown.Embedding);
        yield return ("attention", p.Breakdown.Attention, p.ActiveBreakdown.Attention);
        yield return ("mlp", p.Breakdown.Mlp, p.ActiveBreakdown.Mlp);
        yield return ("norm", p.Breakdown.Norm, p.ActiveBreakdown.Norm);
        yield return ("lm head", p.Breakdown.LmHead, p.ActiveBreakdown.LmHead);
        yield return ("other", p.Breakdown.Other, p.ActiveBreakdown.Other);
    }

    private static string OriginText(ModelInfo m) => m.Origin switch
    {
        "catalog" => $"catalog: {m.Id}" + (m.Family is null ? "" : $", family {m.Family}") + (m.HuggingFaceRepo is null ? "" : $", {m.HuggingFaceRepo}"),
        "bareSize" => "bare size: architecture assumed",
        "configFile" => $"config: {m.Id}" + (m.CheckpointDtype is null ? "" : $", checkpoint dtype {m.CheckpointDtype}"),
        "huggingFaceHub" => $"Hugging Face Hub: {m.Id}",
        "ollama" => $"Ollama: {m.Id}",
        _ => $"file: {m.Id}" + (m.CheckpointDtype is null ? "" : $", checkpoint dtype {m.CheckpointDtype}"),
    };

    private static string ArchitectureLine(ModelSpec s)
    {
        var parts = new List<string>
        {
            s.Architecture,
            $"{s.Layers} layers",
            $"hidden {s.HiddenSize}",
            s.Mla is { } mla
                ? $"{s.AttentionHeads} heads, MLA (kv_lora_rank {mla.KvLoraRank}{(mla.QLoraRank is { } q ? $", q_lora_rank {q}" : "")})"
                : $"{s.AttentionHeads} heads {AttentionKind(s)} (head dim {s.EffectiveHeadDim})",
            s.Moe is { } moe
                ? $"{moe.RoutedExperts} experts, {moe.ExpertsPerToken} per token, expert FFN {moe.ExpertFfnSize}" + (moe.SharedExperts > 0 ? $", {moe.SharedExperts} shared" : "")
                : $"FFN {s.FfnSize} {(s.Mlp == MlpKind.Gated ? "gated" : "plain")} ({s.Activation})",
            $"vocab {s.VocabSize}",
            s.TiedEmbeddings ? "tied embeddings" : "untied embeddings",
            NormText(s.Norm),
            s.Positions == PositionEncoding.Learned ? $"learned positions ({s.LearnedPositions})"
                : s.Positions == PositionEncoding.None ? "no positional encoding" : s.Positions.ToString().ToLowerInvariant(),
        };
        if (s.Recurrent is { } r)
            parts.Insert(2, $"hybrid: {r.Count(LayerMixer.Attention)} attention + {r.Count(LayerMixer.Recurrent)} {RecurrentText(r.Kind)} layers" +
                (r.HasMlpOnlyLayers ? $" + {r.Count(LayerMixer.None)} MLP-only" : ""));
        if (s.AttentionOutputGate)
            parts.Add("gated attention output");
        if (s.ParallelBlocks)
            parts.Add("parallel attention+MLP");
        if (s.SlidingWindow is { } w)
            parts.Add(w.GlobalLayerPeriod == 0 ? $"sliding window {w.WindowTokens}" : $"sliding window {w.WindowTokens} (every {Ordinal(w.GlobalLayerPeriod)} layer global)");
        if (s.MaxContextTokens > 0)
            parts.Add($"context {s.MaxContextTokens}");
        return string.Join(" · ", parts);
    }

    private static string Ordinal(int n) => n + ((n % 100) is 11 or 12 or 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" });

    private static string NormText(NormKind norm) => norm switch
    {
        NormKind.RmsNorm => "RMSNorm",
        NormKind.LayerNorm => "LayerNorm",
        NormKind.LayerNormNoBias => "LayerNorm without bias",
        _ => "non-parametric LayerNorm",
    };

    private static string RecurrentText(RecurrentKind kind) => kind switch
    {
        RecurrentKind.GatedDeltaNet => "Gated DeltaNet",
        RecurrentKind.Mamba2 => "Mamba-2",
        _ => "short-convolution",
    };

    private static string AttentionKind(ModelSpec s) =>
        s.EffectiveKeyValueHeads == s.AttentionHeads ? "MHA"
        : s.EffectiveKeyValueHeads == 1 ? "MQA"
        : $"GQA {s.EffectiveKeyValueHeads} KV";
}
