namespace LlmSizer.Hardware.Speed;

/// <summary>
/// Which weights live where. For llama.cpp: <see cref="GpuLayers"/> is <c>-ngl</c> (the output layer counts as one and is
/// offloaded first; blocks go to the GPU from the last one down; token embeddings always stay on the host) and
/// <see cref="ExpertsOnHost"/> is <c>-ot exps=CPU</c>. Several GPUs split the GPU layers into equal contiguous ranges
/// (<see cref="MultiDeviceMode.LayerSplit"/>) or split every matrix (<see cref="MultiDeviceMode.TensorParallel"/>).
/// </summary>
public sealed record SpeedPlacement
{
    /// <summary>Layers on the GPU(s), counting the output layer: 0 to layers + 1; null = all (llama.cpp's <c>-ngl 99</c>).</summary>
    public int? GpuLayers { get; init; }

    /// <summary>Routed-expert tensors of every layer stay in system RAM and are computed by the CPU (<c>-ot exps=CPU</c>, <c>--cpu-moe</c>).</summary>
    public bool ExpertsOnHost { get; init; }

    /// <summary>How several GPUs cooperate; ignored with one.</summary>
    public MultiDeviceMode Mode { get; init; } = MultiDeviceMode.LayerSplit;

    /// <summary>Every layer on the GPU(s), nothing on the host.</summary>
    public static SpeedPlacement AllOnDevice { get; } = new();
}
