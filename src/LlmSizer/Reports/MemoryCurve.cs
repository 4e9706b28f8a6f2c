using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Hardware;
using LlmSizer.Hardware.Fit;
using LlmSizer.Inference;
using LlmSizer.Precision;

namespace LlmSizer.Reports;

/// <summary>
/// Inference memory against context for several weight types, and device capacities to read it against: what
/// <c>estimate --plot</c> draws. Each point is <see cref="InferenceEstimator.Estimate"/>'s total at that context and weights;
/// bytes; contexts in tokens.
/// </summary>
/// <param name="ContextTokens">The x values: powers of two from 1,024 up to 131,072 or the model's own maximum, and that maximum when it is not a power of two.</param>
/// <param name="Series">One line per weight type, a total per context.</param>
/// <param name="Capacities">Usable memory of each device (all of a selection's devices together).</param>
public sealed record MemoryCurve(ModelInfo Model, string Engine, IReadOnlyList<int> ContextTokens, IReadOnlyList<MemoryCurveSeries> Series, IReadOnlyList<CapacityLine> Capacities, IReadOnlyList<string> Notes)
{
    /// <summary>The cards drawn when none is given: 12, 16, 24, 48 and 80 GB, the memory sizes people size models against.</summary>
    public static readonly IReadOnlyList<string> DefaultDevices = ["rtx-3060-12gb", "rtx-4060-ti-16gb", "rtx-4090", "rtx-6000-ada", "h100-sxm"];

    /// <summary>The largest context drawn, tokens (128K: past it few models are trained and the x axis loses its small contexts).</summary>
    public const int MaxContextTokens = 131_072;

    public static MemoryCurve Build(ModelSource source, InferenceOptions options, IReadOnlyList<DeviceSelection>? devices = null)
    {
        var spec = source.Model.Spec ?? throw new UsageException(
            $"{source.Model.Id}: its architecture is not one LlmSizer maps, so memory against context cannot be estimated");
        var contexts = Contexts(spec.MaxContextTokens);
        var notes = new List<string>();
        // vLLM fills whatever GPU memory it is given with KV cache; the curve is what each context needs, so no GPU size is set.
        var o = options with { GpuMemoryBytes = null };
        if (options.Engine == InferenceEngine.Vllm && options.GpuMemoryBytes is not null)
            notes.Add("vLLM: drawn is the memory each context needs, not the gpu_memory_utilization share vLLM reserves on a given GPU");
        var series = Weights(source, options).Select(w => new MemoryCurveSeries(
            w ?? InferenceEstimator.WeightsName(source, o),
            contexts.Select(c => InferenceEstimator.Estimate(source, o with { WeightsType = w, ContextTokens = c }).TotalBytes).ToList())).ToList();
        var capacities = (devices is { Count: > 0 } ? devices : DefaultDevices.Select(d => DeviceCatalog.Resolve(d)).ToList())
            .Select(d => new CapacityLine(d.Count == 1 ? d.Device.Id : $"{d.Device.Id} ×{d.Count}", d.UsableMemoryBytes)).ToList();
        if (options.Engine != InferenceEngine.Vllm)
            notes.Add($"capacity lines are usable memory; fit also keeps {FitOptions.DefaultMarginBytes >> 20} MiB free per GPU");
        return new MemoryCurve(ModelInfo.From(source.Model), EstimateReport.EngineName(options.Engine), contexts, series, capacities, notes);
    }

    /// <summary>Powers of two from 1,024 to the smaller of <see cref="MaxContextTokens"/> and <paramref name="modelMaxTokens"/> (0: unknown), plus that maximum when it is not one.</summary>
    public static IReadOnlyList<int> Contexts(int modelMaxTokens)
    {
        int limit = modelMaxTokens > 0 ? Math.Min(modelMaxTokens, MaxContextTokens) : MaxContextTokens;
        var contexts = new List<int>();
        for (int c = 1024; c <= limit; c *= 2)
            contexts.Add(c);
        if (contexts.Count == 0 || contexts[^1] != limit)
            contexts.Add(limit);
        return contexts;
    }

    /// <summary>
    /// The weight types drawn, best first: the engine's usual choices (llama.cpp F16, Q8_0, Q5_K_M, Q4_K_M; vLLM BF16, FP8,
    /// AWQ; transformers BF16, INT8, NF4) with the asked type added; null stands for a weights file's own tensors, drawn first.
    /// </summary>
    public static IReadOnlyList<string?> Weights(ModelSource source, InferenceOptions options)
    {
        IReadOnlyList<string> usual = options.Engine switch
        {
            InferenceEngine.LlamaCpp => ["F16", "Q8_0", "Q5_K_M", "Q4_K_M"],
            InferenceEngine.Vllm => ["BF16", "FP8", "AWQ"],
            _ => ["BF16", "INT8", "NF4"],
        };
        var weights = new List<string?>();
        if (options.WeightsType is null && InferenceEstimator.WeightsName(source, options) == "file")
            weights.Add(null);
        var container = options.Engine == InferenceEngine.LlamaCpp ? WeightsContainer.Gguf : WeightsContainer.Safetensors;
        string Name(string type) => WeightsPrediction.Resolve(type, container).Name;
        var typed = usual.ToList();
        if (options.WeightsType is { } asked && !typed.Any(t => Name(t) == Name(asked)))
        {
            // Keep quality order: the asked type goes before the first usual type below it on the ladder (or last).
            var ladder = FitPlanner.QualityLadder(options.Engine).Select(Name).ToList();
            int rank = ladder.IndexOf(Name(asked));
            int at = rank < 0 ? -1 : typed.FindIndex(t => ladder.IndexOf(Name(t)) > rank);
            typed.Insert(at < 0 ? typed.Count : at, asked);
        }
        weights.AddRange(typed);
        return weights;
    }
}

/// <summary>One weight type's line: total bytes at each of the curve's contexts.</summary>
public sealed record MemoryCurveSeries(string Weights, IReadOnlyList<long> TotalBytes);

/// <summary>A horizontal line: a device's (or several devices') usable memory, bytes.</summary>
public sealed record CapacityLine(string Device, long UsableBytes);
