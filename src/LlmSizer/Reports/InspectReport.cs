using LlmSizer.Formats;
using LlmSizer.Models;
using LlmSizer.Precision;

namespace LlmSizer.Reports;

/// <summary>What <c>llmsizer inspect</c> shows, as data: the model, its architecture, exact parameters, weight bytes per format and, when a weights file was read, its facts.</summary>
public sealed record InspectReport(ModelInfo Model, ModelSpec? Architecture, ParametersInfo Parameters, IReadOnlyList<WeightBytes> Weights, FileInfoReport? File)
{
    public static InspectReport Build(ModelSource source)
    {
        var model = source.Model;
        var p = source.Parameters;
        var count = p.Counted;
        var entry = model.CatalogEntry;
        var info = ModelInfo.From(model);
        OfficialInfo? official = entry is null ? null : new OfficialInfo(
            entry.OfficialParameters, entry.OfficialActiveParameters, entry.OfficialActiveExcludesEmbedding, entry.Source,
            entry.Agrees(entry.OfficialParameters, p.Total));
        var parameters = new ParametersInfo(
            p.Total,
            p.Active,
            ActiveIncludesEmbedding: true,
            p.FromWeights ? "weights file tensors" : "architecture",
            BreakdownInfo.From(p.Breakdown),
            BreakdownInfo.From(p.ActiveBreakdown),
            count?.Components.Select(ComponentInfo.From).ToList() ?? [],
            new ReportedApartInfo(count?.ReportedApartTotal ?? 0, count?.ReportedApart.Select(ComponentInfo.From).ToList() ?? []),
            official);
        var weights = NumericFormat.Common
            .Select(f => new WeightBytes(f.Name, f.BitsPerParameter, f.BytesFor(p.Total), f.Description))
            .ToList();
        return new InspectReport(info, model.Spec, parameters, weights, FileInfoReport.From(source));
    }

    internal static string Camel(string s) => char.ToLowerInvariant(s[0]) + s[1..];
}

/// <summary>Facts of the weights file(s) read: sizes, stored bits per weight, the quant mix, and disagreements with the architecture.</summary>
/// <param name="StoredBytes">Bytes of every tensor (weights, scales, buffers) as stored.</param>
/// <param name="BitsPerWeight">Stored bits per parameter, scales included.</param>
/// <param name="QuantMix">Parameters and bytes per stored type, largest first.</param>
public sealed record FileInfoReport(
    string Format,
    IReadOnlyList<SourceFile> Files,
    long FileBytes,
    int Tensors,
    long StoredBytes,
    double BitsPerWeight,
    IReadOnlyList<QuantMixItem> QuantMix,
    IReadOnlyList<string> Mismatches)
{
    public static FileInfoReport? From(ModelSource source)
    {
        if (source.Inventory is not { } inv)
            return null;
        return new FileInfoReport(inv.Format, source.Files, source.Files.Sum(f => f.Bytes), inv.Tensors.Count, inv.Bytes,
            Math.Round(inv.BitsPerWeight, 4), QuantMixItem.From(inv), source.Mismatches);
    }
}

/// <summary>One stored type of a weights file: its parameters, bytes and share of all parameters (percent).</summary>
public sealed record QuantMixItem(string Type, long Parameters, long Bytes, double SharePercent)
{
    /// <summary>The quant mix of <paramref name="inventory"/>, largest first.</summary>
    public static IReadOnlyList<QuantMixItem> From(TensorInventory inventory) =>
        inventory.ParametersByType
            .Select(t => new QuantMixItem(t.Type, t.Parameters, t.Bytes,
                inventory.Parameters == 0 ? 0 : Math.Round(100.0 * t.Parameters / inventory.Parameters, 2)))
            .ToList();
}

/// <summary>Identity of the model and where its architecture came from.</summary>
public sealed record ModelInfo(
    string Id, string Name, string Origin, string? Family, string? HuggingFaceRepo, string? CheckpointDtype, IReadOnlyList<string> Notes)
{
    public static ModelInfo From(ResolvedModel model) =>
        new(model.Id, model.Name, InspectReport.Camel(model.Origin.ToString()), model.CatalogEntry?.Family,
            model.CatalogEntry?.HuggingFaceRepo, model.CheckpointDtype, model.Notes);
}

/// <summary>Parameter counts (elements, not bytes). Active counts include the embedding matrix.</summary>
/// <param name="CountedFrom">"weights file tensors" (exact) or "architecture".</param>
public sealed record ParametersInfo(
    long Total,
    long Active,
    bool ActiveIncludesEmbedding,
    string CountedFrom,
    BreakdownInfo Breakdown,
    BreakdownInfo ActiveBreakdown,
    IReadOnlyList<ComponentInfo> Components,
    ReportedApartInfo ReportedApart,
    OfficialInfo? Official);

/// <summary>Parameters per category; the six parts sum to the total.</summary>
public sealed record BreakdownInfo(long Embedding, long Attention, long Mlp, long Norm, long LmHead, long Other)
{
    public static BreakdownInfo From(ParameterBreakdown b) => new(b.Embedding, b.Attention, b.Mlp, b.Norm, b.LmHead, b.Other);
}

/// <summary>One tensor group: <c>total = instances × perInstance</c>.</summary>
public sealed record ComponentInfo(string Name, string Category, int Instances, long PerInstance, long Total, long Active, string Formula)
{
    public static ComponentInfo From(ParameterComponent c) =>
        new(c.Name, InspectReport.Camel(c.Category.ToString()), c.Instances, c.ParametersPerInstance, c.Total, c.Active, c.Formula);
}

/// <summary>Parameters stored beside the main model but outside its published count (DeepSeek-V3's MTP module).</summary>
public sealed record ReportedApartInfo(long Total, IReadOnlyList<ComponentInfo> Components);

/// <summary>The publisher's figures for a catalog model, and whether the computed total matches them.</summary>
/// <param name="ActiveExcludesEmbedding">The publisher's active figure leaves the input embedding out (DeepSeek).</param>
public sealed record OfficialInfo(string Total, string? Active, bool ActiveExcludesEmbedding, string Source, bool TotalMatches);

/// <summary>Bytes to store every parameter in one format (raw values; block scales not included).</summary>
public sealed record WeightBytes(string Format, int BitsPerParameter, long Bytes, string Description);
