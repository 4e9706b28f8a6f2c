namespace LlmSizer.Hardware.Speed;

/// <summary>
/// Which weights live where, in llama.cpp's terms (what the fit planner's <c>FitPlan</c> reports): <see cref="GpuLayers"/> is
/// <c>-ngl</c> (the output layer counts as one and is offloaded first; blocks go to the GPU from the last one down; token
/// embeddings always stay on the host), <see cref="CpuMoeLayers"/> is <c>--n-cpu-moe</c>, <see cref="TensorSplit"/> is
/// <c>--tensor-split</c> in layers. Several GPUs split the GPU layers (<see cref="MultiDeviceMode.LayerSplit"/>) or every
/// matrix (<see cref="MultiDeviceMode.TensorParallel"/>).
/// </summary>
public sealed record SpeedPlacement
{
    /// <summary>Layers on the GPU(s), counting the output layer: 0 to layers + 1; null = all (llama.cpp's <c>-ngl 99</c>).</summary>
    public int? GpuLayers { get; init; }

    /// <summary>
    /// <c>--n-cpu-moe N</c>: the routed-expert tensors of the first N blocks stay in system RAM and are computed by the CPU, the
    /// rest of those blocks on the GPU; N ≥ the block count is <c>--cpu-moe</c> (<c>-ot exps=CPU</c>). Null or 0: none.
    /// </summary>
    public int? CpuMoeLayers { get; init; }

    /// <summary>
    /// <c>--tensor-split</c> as layers per GPU (output layer included), summing to the GPU layers; null = llama.cpp's even split,
    /// layer <c>il</c> (the output layer is <c>il = n_layer</c>) on GPU ⌊(il − first GPU layer) · n / ngl⌋.
    /// </summary>
    public IReadOnlyList<int>? TensorSplit { get; init; }

    /// <summary>How several GPUs cooperate; ignored with one.</summary>
    public MultiDeviceMode Mode { get; init; } = MultiDeviceMode.LayerSplit;

    /// <summary>Every layer on the GPU(s), nothing on the host.</summary>
    public static SpeedPlacement AllOnDevice { get; } = new();
}
