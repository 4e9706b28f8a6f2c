using LlmSizer.Formats;
using LlmSizer.Inference;

namespace LlmSizer.Reports;

/// <summary>What <c>llmsizer estimate</c> shows, as data: the model, the settings used, memory totals and every line item.</summary>
public sealed record EstimateReport(
    ModelInfo Model,
    string Engine,
    int ContextTokens,
    IReadOnlyList<EstimateInput> Settings,
    MemoryTotals Memory,
    KvCacheCapacity? KvCache,
    IReadOnlyList<EstimateLine> Items,
    IReadOnlyList<DeviceBytes> ByDevice,
    IReadOnlyList<string> Notes)
{
    public static EstimateReport Build(ModelSource source, InferenceOptions options)
    {
        var estimate = InferenceEstimator.Estimate(source, options);
        return new EstimateReport(
            ModelInfo.From(source.Model),
            EngineName(estimate.Engine),
            estimate.ContextTokens,
            estimate.Settings,
            new MemoryTotals(estimate.WeightsBytes, estimate.KvCacheBytes, estimate.ComputeBytes, estimate.OverheadBytes, estimate.TotalBytes),
            estimate.KvCacheTokens is { } tokens ? new KvCacheCapacity(tokens, estimate.MaxConcurrency ?? 0) : null,
            estimate.Items.Select(i => new EstimateLine(i.Name, InspectReport.Camel(i.Category.ToString()), i.Bytes, i.Formula, i.Inputs, i.Source, i.Device)).ToList(),
            estimate.ByDevice.Select(d => new DeviceBytes(d.Device, d.Bytes)).ToList(),
            estimate.Notes);
    }

    public static string EngineName(InferenceEngine engine) => engine switch
    {
        InferenceEngine.LlamaCpp => "llama.cpp",
        InferenceEngine.Vllm => "vllm",
        _ => "transformers",
    };
}

/// <summary>Memory totals per category, bytes; they sum to <see cref="TotalBytes"/>.</summary>
public sealed record MemoryTotals(long WeightsBytes, long KvCacheBytes, long ComputeBytes, long OverheadBytes, long TotalBytes);

/// <summary>vLLM: tokens the KV cache holds, and sequences of the chosen context that fit at once.</summary>
public sealed record KvCacheCapacity(long Tokens, double MaxConcurrency);

/// <summary>One line item: bytes, the formula with its numbers, the inputs and the rule's source.</summary>
public sealed record EstimateLine(string Name, string Category, long Bytes, string Formula, IReadOnlyList<EstimateInput> Inputs, string Source, string? Device);

/// <summary>Bytes one device holds.</summary>
public sealed record DeviceBytes(string Device, long Bytes);
