using System.Globalization;
using LlmSizer.Hardware;
using LlmSizer.Training;
using LlmSizer.Training.Activations;

namespace LlmSizer.Requests;

/// <summary>
/// A training or fine-tuning run as the user typed it (<c>llmsizer train</c>, <c>/api/train</c>). Null fields take the defaults of
/// <see cref="TrainingOptions"/>, which are the ones <c>llmsizer train --help</c> prints; sizes are text such as <c>80GB</c>, token
/// counts text such as <c>2e12</c> or <c>1.4T</c>.
/// </summary>
public sealed record TrainRequest
{
    /// <summary><c>full</c>, <c>lora</c> or <c>qlora</c>.</summary>
    public string? Method { get; init; }

    /// <summary><c>adamw</c>, <c>adamw-8bit</c>, <c>paged-adamw</c>, <c>adafactor</c>, <c>sgd</c>, <c>lion</c>…</summary>
    public string? Optimizer { get; init; }

    /// <summary><c>mixed</c>, <c>mixed-fp32-grads</c>, <c>amp</c>, <c>bf16</c> or <c>fp32</c>.</summary>
    public string? Precision { get; init; }

    /// <summary>Modules LoRA adapts: <c>q,v</c>, <c>all-linear</c>…</summary>
    public string? LoraTargets { get; init; }

    /// <summary>Activation recomputation: <c>none</c>, <c>selective</c> or <c>full</c>.</summary>
    public string? Recompute { get; init; }

    /// <summary><c>flash</c> or <c>eager</c>.</summary>
    public string? Attention { get; init; }

    /// <summary><c>none</c>, <c>optimizer</c> or <c>params</c>.</summary>
    public string? Offload { get; init; }

    /// <summary><c>cpu</c> or <c>nvme</c>.</summary>
    public string? OffloadDevice { get; init; }

    /// <summary>A GPU from the catalog (<c>h100</c>), or <c>NAMExN</c> to fix the count.</summary>
    public string? Device { get; init; }

    /// <summary>Memory of one GPU not in the catalog (<c>24GB</c>); excludes <see cref="Device"/>.</summary>
    public string? GpuMemory { get; init; }

    /// <summary>Training tokens (<c>2e12</c>, <c>1.4T</c>); null = 20 × parameters.</summary>
    public string? Tokens { get; init; }

    public int? LoraRank { get; init; }

    /// <summary>Tokens per sequence.</summary>
    public int? Seq { get; init; }

    /// <summary>Sequences per micro-batch per data-parallel rank.</summary>
    public int? MicroBatch { get; init; }

    /// <summary>Micro-batches per optimizer step.</summary>
    public int? GradAccum { get; init; }

    /// <summary>ZeRO stage 0 to 3.</summary>
    public int? Zero { get; init; }

    /// <summary>Tensor-parallel GPUs.</summary>
    public int? Tp { get; init; }

    /// <summary>Pipeline stages.</summary>
    public int? Pp { get; init; }

    /// <summary>Expert-parallel ranks.</summary>
    public int? Ep { get; init; }

    /// <summary>Total GPUs; null = with a device the fewest that fit, else tp × pp.</summary>
    public int? Gpus { get; init; }

    public int? GpusPerNode { get; init; }

    public bool? ChunkedLoss { get; init; }

    public bool? OptimizerInBackward { get; init; }

    public bool? SequenceParallel { get; init; }

    /// <summary>Model FLOPs utilization, in (0, 1].</summary>
    public double? Mfu { get; init; }

    /// <summary>US dollars per GPU-hour.</summary>
    public double? Price { get; init; }

    /// <summary>Checks and converts every field without the model, so that a usage error never waits on reading a model file.</summary>
    public ResolvedTrainRequest Resolve(FieldStyle style) => RequestFields.Styled(style, () =>
    {
        string N(string field) => RequestFields.Name(field, style);
        var (gpu, count) = ResolveDevice(style);
        int? gpuCount = Gpus;
        if (count is { } fixedCount && gpuCount is { } given && given != fixedCount)
            throw RequestFields.Error("gpus", $"{N("device")} asks for {fixedCount} GPUs and {N("gpus")} for {given}; give the count once");
        gpuCount ??= count;
        var defaults = new TrainingOptions();
        var layout = defaults.Layout;
        var options = new TrainingOptions
        {
            Method = Method is null ? defaults.Method : ParseMethod(Method, style),
            Optimizer = Optimizer is null ? defaults.Optimizer : Training.Optimizer.Parse(Optimizer),
            Precision = Precision is null ? defaults.Precision : PrecisionBytes.Parse(Precision),
            LoraRank = LoraRank ?? defaults.LoraRank,
            LoraTargets = LoraTargets is null ? defaults.LoraTargets : Training.LoraTargets.Parse(LoraTargets),
            SequenceTokens = Seq ?? defaults.SequenceTokens,
            MicroBatch = MicroBatch ?? defaults.MicroBatch,
            GradientAccumulation = GradAccum ?? defaults.GradientAccumulation,
            Recompute = Recompute is null ? defaults.Recompute : ParseRecompute(Recompute, style),
            Attention = Attention is null ? defaults.Attention : ParseAttention(Attention, style),
            ChunkedLoss = ChunkedLoss ?? false,
            OptimizerInBackward = OptimizerInBackward ?? false,
            Layout = new ParallelLayout
            {
                Gpus = gpuCount ?? layout.Gpus,
                TensorParallel = Tp ?? layout.TensorParallel,
                PipelineParallel = Pp ?? layout.PipelineParallel,
                ExpertParallel = Ep ?? layout.ExpertParallel,
                SequenceParallel = SequenceParallel ?? false,
                ZeroStage = Zero ?? layout.ZeroStage,
                Offload = Offload is null ? layout.Offload : ParseOffload(Offload, style),
                OffloadTo = OffloadDevice is null ? layout.OffloadTo : ParseOffloadDevice(OffloadDevice, style),
                GpusPerNode = GpusPerNode ?? layout.GpusPerNode,
            },
            Tokens = ParseTokens(Tokens, style),
            ModelFlopsUtilization = Mfu ?? defaults.ModelFlopsUtilization,
            PricePerGpuHourUsd = Price,
        };
        return new ResolvedTrainRequest(options, gpu, gpuCount is not null, style);
    });

    private (DeviceSpec? Device, int? Count) ResolveDevice(FieldStyle style)
    {
        if (Device is not null && GpuMemory is not null)
            throw RequestFields.Error("gpuMemory", $"{RequestFields.Name("device", style)} and {RequestFields.Name("gpuMemory", style)} both name the GPU; give one");
        if (GpuMemory is { } memory)
            return (RequestFields.About("gpuMemory", () => CustomDevice.FromMemory(RequestFields.Size(memory, "gpuMemory", style)!.Value, memory)), null);
        if (Device is not { } name)
            return (null, null);
        var selection = RequestFields.About("device", () => DeviceCatalog.Resolve(name));
        if (selection.Device.Kind != DeviceKind.Gpu && selection.Device.Kind != DeviceKind.UnifiedMemory)
            throw RequestFields.Error("device", $"{RequestFields.Name("device", style)} {name}: {selection.Device.Name} is not a GPU; training needs one");
        // NAMExN fixes the count; a bare name leaves it to the search.
        return (selection.Device, selection.Count > 1 ? selection.Count : null);
    }

    private static TrainingMethod ParseMethod(string text, FieldStyle style) => text.Trim().ToLowerInvariant() switch
    {
        "full" => TrainingMethod.Full,
        "lora" => TrainingMethod.Lora,
        "qlora" => TrainingMethod.Qlora,
        _ => throw Expected("method", text, "full, lora or qlora", style),
    };

    private static Recomputation ParseRecompute(string text, FieldStyle style) => text.Trim().ToLowerInvariant() switch
    {
        "none" or "off" => Recomputation.None,
        "selective" => Recomputation.Selective,
        "full" or "on" or "gradient-checkpointing" => Recomputation.Full,
        _ => throw Expected("recompute", text, "none, selective or full", style),
    };

    private static AttentionKernel ParseAttention(string text, FieldStyle style) => text.Trim().ToLowerInvariant() switch
    {
        "flash" or "sdpa" or "flash-attention" => AttentionKernel.Flash,
        "eager" => AttentionKernel.Eager,
        _ => throw Expected("attention", text, "flash or eager", style),
    };

    private static OffloadKind ParseOffload(string text, FieldStyle style) => text.Trim().ToLowerInvariant() switch
    {
        "none" => OffloadKind.None,
        "optimizer" or "opt" => OffloadKind.Optimizer,
        "params" or "parameters" or "param" => OffloadKind.Parameters,
        _ => throw Expected("offload", text, "none, optimizer or params", style),
    };

    private static Training.OffloadDevice ParseOffloadDevice(string text, FieldStyle style) => text.Trim().ToLowerInvariant() switch
    {
        "cpu" => Training.OffloadDevice.Cpu,
        "nvme" => Training.OffloadDevice.Nvme,
        // The message quotes the value trimmed and lower-cased, as the command line always has.
        var other => throw Expected("offloadDevice", other, "cpu or nvme", style),
    };

    /// <summary>A token count: a number (<c>2e12</c>, <c>300000000000</c>) or one with a K/M/B/T suffix (<c>1.4T</c>).</summary>
    private static double? ParseTokens(string? text, FieldStyle style)
    {
        if (text is null)
            return null;
        string t = text.Trim();
        double scale = 1;
        if (t.Length > 0 && "kKmMbBgGtT".Contains(t[^1]))
        {
            scale = char.ToUpperInvariant(t[^1]) switch { 'K' => 1e3, 'M' => 1e6, 'B' or 'G' => 1e9, _ => 1e12 };
            t = t[..^1];
        }
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value > 0) || !double.IsFinite(value * scale))
            throw RequestFields.Error("tokens", $"{RequestFields.Name("tokens", style)} '{text}': expected a positive count such as 2e12 or 1.4T");
        return value * scale;
    }

    private static Errors.UsageException Expected(string field, string text, string expected, FieldStyle style) =>
        RequestFields.Error(field, $"{RequestFields.Name(field, style)} '{text}': expected {expected}");
}
