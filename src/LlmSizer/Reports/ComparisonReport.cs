using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Formats.HuggingFace;
using LlmSizer.Hardware;
using LlmSizer.Hardware.Fit;
using LlmSizer.Hardware.Tiers;
using LlmSizer.Inference;
using LlmSizer.Precision;

namespace LlmSizer.Reports;

/// <summary>
/// What <c>llmsizer compare MODEL[:WEIGHTS] ...</c> shows: models side by side at one context — parameters, the weights used,
/// weights, KV cache and total memory, the verdict on each chosen device, and the cheapest hardware tier. Bytes; tokens.
/// </summary>
/// <param name="Devices">The devices every model is fitted on, in the order given.</param>
public sealed record ComparisonReport(IReadOnlyList<FitDevice> Devices, IReadOnlyList<ComparedModel> Models, IReadOnlyList<string> Notes)
{
    /// <summary>The context compared at when none is given (capped at each model's own), tokens: a common chat length that keeps models comparable.</summary>
    public const int DefaultContextTokens = 8192;

    /// <summary>
    /// Compares <paramref name="entries"/> under <paramref name="options"/>. A model's own weights (after its colon) win over
    /// <c>--weights</c>. Unless <paramref name="engineGiven"/>, a model whose weights type only Hugging Face checkpoints have
    /// (INT8, NF4, FP8, AWQ, GPTQ…) is run on transformers, which loads them all; the rest on <paramref name="options"/>' engine.
    /// </summary>
    public static ComparisonReport Build(IReadOnlyList<ComparisonEntry> entries, InferenceOptions options, bool engineGiven,
        IReadOnlyList<DeviceSelection> devices, IEnumerable<HardwareTier>? tiers = null, long? marginBytes = null)
    {
        if (entries.Count == 0)
            throw new UsageException("compare: expected at least one MODEL[:WEIGHTS]");
        var tierList = (tiers ?? HardwareTiers.All).ToList();
        var models = entries.Select(e =>
        {
            try
            {
                return Compare(e, options, engineGiven, devices, tierList, marginBytes);
            }
            catch (UsageException x)
            {
                throw new UsageException($"{e.Input}: {x.Message}", x.Suggestions);
            }
        }).ToList();
        var notes = new List<string>();
        if (options.ContextTokens is null)
            notes.Add($"context: {DefaultContextTokens:N0} tokens for every model (or its own maximum when shorter); --context sets another");
        if (!engineGiven && models.Any(m => m.Engine == "transformers"))
            notes.Add("a weights type only Hugging Face checkpoints have (INT8, NF4, FP8, AWQ, GPTQ…) is run on transformers; --engine sets one engine for all");
        notes.Add("cheapest tier: the first of desktop GPU, laptop GPU, Mac, workstation, server (then CPU) whose cheapest machine holds the model entirely ('llmsizer fit MODEL --tiers')");
        return new ComparisonReport(devices.Select(FitDevice.From).ToList(), models, notes);
    }

    /// <summary>The engine a model with <paramref name="weights"/> is compared on: <paramref name="engine"/> unless the type exists only as a Hugging Face format and no engine was asked for, then transformers.</summary>
    public static InferenceEngine EngineFor(string? weights, InferenceEngine engine, bool engineGiven) =>
        !engineGiven && weights is not null && WeightsPrediction.Resolve(weights, WeightsContainer.Gguf).Container == WeightsContainer.Safetensors
            ? InferenceEngine.Transformers
            : engine;

    private static ComparedModel Compare(ComparisonEntry entry, InferenceOptions options, bool engineGiven, IReadOnlyList<DeviceSelection> devices,
        IReadOnlyList<HardwareTier> tiers, long? marginBytes)
    {
        var source = entry.Source;
        var spec = source.Model.Spec ?? throw new UsageException("its architecture is not one LlmSizer maps, so its memory cannot be estimated");
        // hf:ORG/NAME:QUANT already chose that GGUF file: its own tensors are the weights.
        string? weights = HubRepoId.IsHubReference(entry.Input) && source.Inventory?.Format == "gguf" ? null : entry.Weights;
        weights ??= options.WeightsType;
        int context = options.ContextTokens ?? (spec.MaxContextTokens > 0 ? Math.Min(DefaultContextTokens, spec.MaxContextTokens) : DefaultContextTokens);
        var o = options with { Engine = EngineFor(weights, options.Engine, engineGiven), WeightsType = weights, ContextTokens = context };

        var estimate = InferenceEstimator.Estimate(source, o);
        var fits = devices.Select(d => Fit(source, o, d, marginBytes)).ToList();
        var cheapest = TierPlanner.Cheapest(TierPlanner.Plan(source, o, tiers, marginBytes));
        return new ComparedModel(
            entry.Input,
            ModelInfo.From(source.Model),
            EstimateReport.EngineName(o.Engine),
            InferenceEstimator.WeightsName(source, o),
            InferenceEstimator.Weights(source, spec, o).Note,
            new ParameterTotals(source.Parameters.Total, source.Parameters.Active),
            estimate.ContextTokens,
            new MemoryTotals(estimate.WeightsBytes, estimate.KvCacheBytes, estimate.ComputeBytes, estimate.OverheadBytes, estimate.TotalBytes),
            fits,
            cheapest?.Cheapest is { } option ? new ComparedTier(cheapest.Tier.Id, cheapest.Tier.Name, FitRankingRow.From(option)) : null);
    }

    private static ComparedFit Fit(ModelSource source, InferenceOptions options, DeviceSelection device, long? marginBytes)
    {
        if (!FitPlanner.Runs(options.Engine, device.Device))
            return new ComparedFit(device.Device.Id, device.Count, "unsupported", false, false, null, null, null, null, null);
        var plan = FitPlanner.Plan(source, options, new FitOptions(device, MarginBytes: marginBytes));
        return new ComparedFit(device.Device.Id, device.Count, FitReport.VerdictName(plan.Verdict), plan.Fits, plan.FitsWithOffload,
            plan.GpuLayers, plan.CpuLayers, plan.TensorParallel, plan.MaxContextTokens, plan.Speed?.DecodeTokensPerSecond);
    }
}

/// <summary>One model to compare: the text given, the model opened from it, and the weights type named after its colon (null: none).</summary>
public sealed record ComparisonEntry(string Input, ModelSource Source, string? Weights);

/// <summary>
/// One model of a comparison: parameters, the engine and weights type used (<c>file</c>: a weights file's own tensors), the
/// context, memory totals (bytes), each device's verdict, and the cheapest tier's option (null: no tier runs it).
/// </summary>
public sealed record ComparedModel(
    string Input,
    ModelInfo Model,
    string Engine,
    string Weights,
    string WeightsNote,
    ParameterTotals Parameters,
    int ContextTokens,
    MemoryTotals Memory,
    IReadOnlyList<ComparedFit> Fits,
    ComparedTier? CheapestTier);

/// <summary>Total and active parameters (elements); equal for dense models.</summary>
public sealed record ParameterTotals(long Total, long Active);

/// <summary>
/// One model on one device: the verdict (<c>fits</c>, <c>fitsWithOffload</c>, <c>doesNotFit</c>, or <c>unsupported</c> for a
/// CPU under an engine other than llama.cpp), llama.cpp's <c>-ngl</c> and layers left on the CPU, vLLM's tensor-parallel size,
/// and the longest context that fits (tokens).
/// </summary>
public sealed record ComparedFit(string Device, int Count, string Verdict, bool Fits, bool FitsWithOffload, int? GpuLayers, int? OffloadedLayers, int? TensorParallel, int? MaxContext, double? DecodeTokensPerSecond);

/// <summary>The cheapest tier that runs a model and its cheapest option there.</summary>
public sealed record ComparedTier(string Id, string Name, FitRankingRow Option);
