namespace LlmSizer.Web.Api;

// Query strings as bound by the endpoints: every field optional (null = the CLI's default), named as the CLI options in
// camelCase. They only carry text to the library's request records, which validate it.

/// <summary><c>GET /api/models</c>: the CLI's <c>models</c> filters.</summary>
public sealed class ModelsQuery
{
    public string? Filter { get; set; }
    public string? Family { get; set; }
    public string? Min { get; set; }
    public string? Max { get; set; }
}

/// <summary><c>GET /api/devices</c>: the CLI's <c>devices</c> filters.</summary>
public sealed class DevicesQuery
{
    public string? Filter { get; set; }
    public string? Kind { get; set; }
    public bool? Storage { get; set; }
}

/// <summary>The model and inference settings of <c>estimate</c>, <c>curve</c> and <c>fit</c>.</summary>
public sealed class InferenceQuery
{
    public string? Model { get; set; }
    public string? Engine { get; set; }
    public string? Weights { get; set; }
    public int? Context { get; set; }
    public int? Batch { get; set; }
    public int? Ubatch { get; set; }
    public int? BatchTokens { get; set; }
    public string? KvType { get; set; }
    public string? KvTypeV { get; set; }
    public string? FlashAttention { get; set; }
    public string? Mmap { get; set; }
    public int? GpuLayers { get; set; }
    public int? CpuMoeLayers { get; set; }
    public double? GpuMemoryUtilization { get; set; }
    public int? MaxBatchedTokens { get; set; }

    /// <summary>Estimate and curve only (vLLM sizes its KV cache from one GPU's memory).</summary>
    public string? GpuMemory { get; set; }

    /// <summary>Estimate and curve only: tensor-parallel GPUs.</summary>
    public int? Tp { get; set; }
}

/// <summary><c>GET /api/fit</c>: the hardware side of the CLI's <c>fit</c>.</summary>
public sealed class FitQuery
{
    public string? Device { get; set; }
    public int? Count { get; set; }
    public string? Ram { get; set; }
    public string? Storage { get; set; }
    public string? Cpu { get; set; }
    public string? Margin { get; set; }
    public bool? Tiers { get; set; }
}

/// <summary><c>GET /api/train</c>: the CLI's <c>train</c> options.</summary>
public sealed class TrainQuery
{
    public string? Model { get; set; }
    public string? Method { get; set; }
    public string? Optimizer { get; set; }
    public string? Precision { get; set; }
    public int? LoraRank { get; set; }
    public string? LoraTargets { get; set; }
    public int? Seq { get; set; }
    public int? MicroBatch { get; set; }
    public int? GradAccum { get; set; }
    public string? Recompute { get; set; }
    public string? Attention { get; set; }
    public bool? ChunkedLoss { get; set; }
    public bool? OptimizerInBackward { get; set; }
    public int? Zero { get; set; }
    public string? Offload { get; set; }
    public string? OffloadDevice { get; set; }
    public int? Tp { get; set; }
    public int? Pp { get; set; }
    public int? Ep { get; set; }
    public bool? SequenceParallel { get; set; }
    public int? Gpus { get; set; }
    public int? GpusPerNode { get; set; }
    public string? Device { get; set; }
    public string? GpuMemory { get; set; }
    public string? Tokens { get; set; }
    public double? Mfu { get; set; }
    public double? Price { get; set; }
}

/// <summary><c>/api/sample</c>: the CLI's <c>sample</c> settings; <c>example</c> for GET, <c>probabilities</c> for POST.</summary>
public sealed class SampleQuery
{
    public bool? Example { get; set; }
    public bool? Probabilities { get; set; }
    public string? Engine { get; set; }
    public double? Temperature { get; set; }
    public int? TopK { get; set; }
    public double? TopP { get; set; }
    public double? MinP { get; set; }
    public double? TypicalP { get; set; }
    public double? RepetitionPenalty { get; set; }
    public double? PresencePenalty { get; set; }
    public double? FrequencyPenalty { get; set; }
    public string? PreviousTokens { get; set; }
    public int? Draws { get; set; }
    public ulong? Seed { get; set; }
    public int? Show { get; set; }
}
