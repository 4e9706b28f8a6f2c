using LlmSizer.Hardware.Speed;
using LlmSizer.Inference;

namespace LlmSizer.Hardware.Fit;

/// <summary>
/// How a model runs on chosen hardware: the verdict, where each part goes, what each device holds against its memory, the
/// system RAM and disk it needs, and how long loading takes. Bytes and seconds; token counts in tokens.
/// </summary>
/// <param name="Verdict">Fits on the device(s), fits with offload, or does not fit.</param>
/// <param name="Estimate">The memory estimate of the chosen placement.</param>
/// <param name="Devices">Each device's use against its capacity (the host's RAM last, as <c>CPU</c>).</param>
/// <param name="GpuLayers">llama.cpp <c>-ngl</c> of the plan (layers on the GPUs, the output layer counted); null for other engines.</param>
/// <param name="CpuLayers">llama.cpp layers kept on the CPU (of the blocks plus the output layer); null for other engines.</param>
/// <param name="TensorSplit">llama.cpp <c>--tensor-split</c>: layers per GPU, when there are several.</param>
/// <param name="CpuMoeLayers">llama.cpp <c>--n-cpu-moe</c>: layers whose routed experts stay in RAM (the rest of each layer on the GPU); null when not used.</param>
/// <param name="TensorParallel">vLLM's tensor-parallel size of the plan; null for other engines.</param>
/// <param name="MaxContextTokens">The longest context that still fits this placement (per sequence), at most the model's own limit; null when nothing fits.</param>
/// <param name="HostRamBytes">System RAM the plan needs for what stays on the host (mapped weights counted).</param>
/// <param name="DiskBytes">The weights file(s) on disk.</param>
/// <param name="LoadSeconds">Reading <see cref="DiskBytes"/> from the chosen storage; null without storage.</param>
/// <param name="Notes">Assumptions and advice, in words.</param>
/// <param name="Speed">Decode and prefill speed of this placement (roofline; docs/METHOD.md "Speed"); null when it does not run or the speed model does not cover it.</param>
public sealed record FitPlan(
    FitVerdict Verdict,
    MemoryEstimate Estimate,
    IReadOnlyList<DeviceUsage> Devices,
    int? GpuLayers,
    int? CpuLayers,
    IReadOnlyList<int>? TensorSplit,
    int? CpuMoeLayers,
    int? TensorParallel,
    int? MaxContextTokens,
    long HostRamBytes,
    long DiskBytes,
    double? LoadSeconds,
    IReadOnlyList<string> Notes,
    SpeedEstimate? Speed = null)
{
    /// <summary>True only when everything is in GPU/accelerator memory (on a CPU device: in its RAM).</summary>
    public bool Fits => Verdict == FitVerdict.FitsOnDevice;

    /// <summary>True when it runs at all: on the device(s), or with part of it in system RAM.</summary>
    public bool FitsWithOffload => Verdict != FitVerdict.DoesNotFit;
}
