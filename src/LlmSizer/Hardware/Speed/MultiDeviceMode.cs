namespace LlmSizer.Hardware.Speed;

/// <summary>How several identical GPUs share one model.</summary>
public enum MultiDeviceMode
{
    /// <summary>
    /// llama.cpp's default <c>--split-mode layer</c>: each GPU holds a contiguous range of layers and a token passes through them
    /// one after another, so per-token times add (a pipeline without overlap for one sequence).
    /// </summary>
    LayerSplit,
    /// <summary>
    /// vLLM's <c>--tensor-parallel-size</c>: every matrix is split across the ranks, each reads its share at the same time, and
    /// each layer ends with all-reduces of the activations over the peer link.
    /// </summary>
    TensorParallel,
}
