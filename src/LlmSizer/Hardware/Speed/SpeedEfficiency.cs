using LlmSizer.Inference;

namespace LlmSizer.Hardware.Speed;

/// <summary>
/// How close an engine gets to a kind of device's datasheet roofs, calibrated once against published measurements and used
/// for every estimate (never fitted per case; docs/METHOD.md "Speed" gives the calibration, docs/ACCURACY.md the error).
/// </summary>
/// <param name="Platform">Engine and device class, e.g. <c>llama.cpp · CUDA, GDDR</c>.</param>
/// <param name="BandwidthShare">Share of peak memory bandwidth that weight and KV reads reach.</param>
/// <param name="LayerOverheadSeconds">Fixed seconds per layer per step: kernel launches, synchronisation, graph work that do not scale with bytes.</param>
/// <param name="ComputeShare">Share of the compute roof (<see cref="QuantizedPrecision"/> for quantized weights, FP16 otherwise) matrix products reach.</param>
/// <param name="QuantizedPrecision">The roof block-quantized weights compute at on this platform.</param>
/// <param name="Source">How the constants were calibrated, with the measurements' sources.</param>
public sealed record SpeedEfficiency(
    string Platform,
    double BandwidthShare,
    double LayerOverheadSeconds,
    double ComputeShare,
    ComputePrecision QuantizedPrecision,
    string Source)
{
    /// <summary>llama.cpp's CUDA backend on GDDR (and LPDDR) NVIDIA GPUs.</summary>
    public static SpeedEfficiency LlamaCppCuda { get; } = new(
        "llama.cpp · CUDA, GDDR/LPDDR", 0.87, 27e-6, 0.28, ComputePrecision.Int8,
        "llama.cpp discussion #15013 (Llama-2-7B Q4_0, -fa 1): tg128 on RTX 3060 and RTX 5090 fix the bandwidth share and the per-layer overhead " +
        "(two equations, two unknowns); the prefill share is the geometric mean of what pp512 on RTX 3060, 4090 and 5090 each need against dense INT8 tensor throughput (llama.cpp's MMQ kernels)");

    /// <summary>llama.cpp's CUDA backend on HBM datacenter GPUs (A100, H100): its kernels reach a much smaller share of their roofs.</summary>
    public static SpeedEfficiency LlamaCppCudaHbm { get; } = new(
        "llama.cpp · CUDA, HBM", 0.45, 27e-6, 0.092, ComputePrecision.Int8,
        "llama.cpp discussion #15013 (Llama-2-7B Q4_0, -fa 1): the bandwidth share solves A100 80GB's tg128 with the GDDR per-layer overhead; the prefill share " +
        "is the geometric mean of what pp512 on A100 and H100 need against dense INT8 (their kernels do not use the datacenter parts' larger tensor units)");

    /// <summary>llama.cpp's Metal backend on Apple Silicon.</summary>
    public static SpeedEfficiency LlamaCppMetal { get; } = new(
        "llama.cpp · Metal", 0.86, 160e-6, 0.67, ComputePrecision.Fp16,
        "llama.cpp discussion #4167 (LLaMA-2-7B): bandwidth share and per-layer overhead are the least-squares fit (relative error) of tg128 Q4_0 and F16 on M1 Max " +
        "and M2 Ultra; the prefill share is what pp512 Q4_0 on M1 Max needs against Apple's 10.4 TFLOPS");

    /// <summary>llama.cpp's CPU backend.</summary>
    public static SpeedEfficiency LlamaCppCpu { get; } = new(
        "llama.cpp · CPU", 0.56, 0, 0.20, ComputePrecision.Int8,
        "bandwidth share: what InventiveHQ's llama-server run of Qwen2.5-Coder-7B Q4_K_M on an i7-8700 with dual-channel DDR4-2400 needs (4.9 tok/s); " +
        "the prefill share is an assumption, not calibrated (no CPU prefill measurement with a datasheet compute peak was found)");

    /// <summary>vLLM on a GPU (CUDA graphs, FlashAttention, Marlin/cuBLAS GEMMs).</summary>
    public static SpeedEfficiency VllmGpu { get; } = new(
        "vLLM · GPU", 0.80, 10e-6, 0.50, ComputePrecision.Fp16,
        "assumption, not calibrated against a measurement in this repository: decode bandwidth share and prefill share typical of CUDA-graph serving engines");

    /// <summary>Hugging Face transformers (eager PyTorch, no CUDA graphs).</summary>
    public static SpeedEfficiency TransformersGpu { get; } = new(
        "transformers · GPU", 0.70, 100e-6, 0.40, ComputePrecision.Fp16,
        "assumption, not calibrated against a measurement in this repository: eager PyTorch launches each operator from Python");

    /// <summary>The efficiencies the speed model knows.</summary>
    public static IReadOnlyList<SpeedEfficiency> All { get; } =
        [LlamaCppCuda, LlamaCppCudaHbm, LlamaCppMetal, LlamaCppCpu, VllmGpu, TransformersGpu];

    /// <summary>
    /// The efficiency for <paramref name="engine"/> on <paramref name="device"/>: CPUs use llama.cpp's CPU figures (the CPU
    /// backends of vLLM and transformers are not calibrated), Apple Silicon Metal, HBM GPUs (<see cref="DeviceSpec.MemoryType"/>)
    /// the HBM figures, every other GPU the GDDR figures.
    /// </summary>
    public static SpeedEfficiency For(InferenceEngine engine, DeviceSpec device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.Kind == DeviceKind.Cpu)
            return LlamaCppCpu;
        return engine switch
        {
            InferenceEngine.Vllm => VllmGpu,
            InferenceEngine.Transformers => TransformersGpu,
            _ when IsApple(device) => LlamaCppMetal,
            _ when device.HasHighBandwidthMemory => LlamaCppCudaHbm,
            _ => LlamaCppCuda,
        };
    }

    /// <summary>Apple Silicon: unified memory from Apple, run by llama.cpp's Metal backend.</summary>
    internal static bool IsApple(DeviceSpec device) =>
        device.Kind == DeviceKind.UnifiedMemory && device.Vendor.Equals("Apple", StringComparison.OrdinalIgnoreCase);
}
