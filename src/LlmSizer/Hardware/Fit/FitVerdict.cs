namespace LlmSizer.Hardware.Fit;

/// <summary>Whether a model runs on the chosen devices, and how.</summary>
public enum FitVerdict
{
    /// <summary>Weights, cache and buffers all fit in GPU (accelerator) memory — or, on a CPU device, in its RAM.</summary>
    FitsOnDevice,
    /// <summary>It runs with some layers or experts kept in system RAM and computed there (llama.cpp <c>-ngl</c>/<c>-ot</c>, Accelerate's CPU offload).</summary>
    FitsWithOffload,
    /// <summary>It does not fit, even with offload.</summary>
    DoesNotFit,
}
