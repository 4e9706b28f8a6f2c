using LlmSizer.Models;
using LlmSizer.Precision;

namespace LlmSizer.Reports;

/// <summary>What <c>llmsizer inspect</c> shows, as data: the model, its architecture, exact parameters and weight bytes per format.</summary>
public sealed record InspectReport(ModelInfo Model, ModelSpec Architecture, ParametersInfo Parameters, IReadOnlyList<WeightBytes> Weights)
{
    public static InspectReport Build(ResolvedModel model)
    {
        var count = ParameterCounter.Count(model.Spec);
        var entry = model.CatalogEntry;
        var info = new ModelInfo(
            model.Id, model.Name, Camel(model.Origin.ToString()), entry?.Family, entry?.HuggingFaceRepo, model.CheckpointDtype, model.Notes);
        OfficialInfo? official = entry is null ? null : new OfficialInfo(
            entry.OfficialParameters, entry.OfficialActiveParameters, entry.OfficialActiveExcludesEmbedding, entry.Source,
            OfficialCount.Parse(entry.OfficialParameters).Matches(count.Total));
        var parameters = new ParametersInfo(
            count.Total,
            count.Active,
            ActiveIncludesEmbedding: true,
            BreakdownInfo.From(count.Breakdown),
            BreakdownInfo.From(count.ActiveBreakdown),
            count.Components.Select(ComponentInfo.From).ToList(),
            new ReportedApartInfo(count.ReportedApartTotal, count.ReportedApart.Select(ComponentInfo.From).ToList()),
            official);
        var weights = NumericFormat.Common
            .Select(f => new WeightBytes(f.Name, f.BitsPerParameter, f.BytesFor(count.Total), f.Description))
            .ToList();
        return new InspectReport(info, model.Spec, parameters, weights);
    }

    internal static string Camel(string s) => char.ToLowerInvariant(s[0]) + s[1..];
}

/// <summary>Identity of the model and where its architecture came from.</summary>
public sealed record ModelInfo(
    string Id, string Name, string Origin, string? Family, string? HuggingFaceRepo, string? CheckpointDtype, IReadOnlyList<string> Notes);

/// <summary>Parameter counts (elements, not bytes). Active counts include the embedding matrix.</summary>
public sealed record ParametersInfo(
    long Total,
    long Active,
    bool ActiveIncludesEmbedding,
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
