namespace LlmSizer.Hardware.Fit;

/// <summary>
/// The hardware a fit is judged against. Bytes throughout.
/// </summary>
/// <param name="Devices">The GPUs (or Mac, or CPU) and how many.</param>
/// <param name="HostRamBytes">System RAM for what stays on the host; null = not given (RAM is then reported as needed, not checked). Ignored for unified-memory and CPU devices, whose memory is the device's own.</param>
/// <param name="Storage">Where the model file is read from, for the load time; null = no load time.</param>
/// <param name="HostCpu">The host's CPU and memory (a catalog CPU entry such as <c>ddr5-5600-2ch</c>), for the speed of what stays in RAM; null = <see cref="DefaultHostCpuId"/>, assumed and said so.</param>
/// <param name="MarginBytes">Memory left free on every GPU (display, other processes, allocator slack); null = llama.cpp's <c>--fit-target</c> default, 1024 MiB, for llama.cpp and transformers, and none for vLLM, whose <c>gpu_memory_utilization</c> is its margin.</param>
public sealed record FitOptions(DeviceSelection Devices, long? HostRamBytes = null, StorageClass? Storage = null, long? MarginBytes = null, DeviceSpec? HostCpu = null)
{
    /// <summary>The host assumed beside a discrete GPU when none is given: a desktop with dual-channel DDR5-5600 (89.6 GB/s).</summary>
    public const string DefaultHostCpuId = "ddr5-5600-2ch";

    /// <summary>llama.cpp's default free-memory target per device for <c>--fit</c> (common/fit.cpp, <c>-fitt</c>): 1024 MiB.</summary>
    public const long DefaultMarginBytes = 1L << 30;

    /// <summary>
    /// The most devices one model is fitted across. Engines use far fewer (llama.cpp's CUDA backend at most 16 per process, GGML_CUDA_MAX_DEVICES in ggml-cuda.h; vLLM a
    /// tensor-parallel group of a node or two); the plan lists every device, so an unbounded count (a fuzzer's
    /// <c>l4*44444446</c>) would cost time and memory in proportion.
    /// </summary>
    public const int MaxDevices = 1024;

    /// <summary>
    /// The most devices llama.cpp uses in one process: <c>llama_max_devices()</c> (16, the size of its tensor-split array;
    /// ggml's CUDA backend has the same GGML_CUDA_MAX_DEVICES). RPC servers count among them.
    /// </summary>
    public const int LlamaCppMaxDevices = 16;

    /// <summary>Memory a unified-memory machine keeps for the operating system when weights are offloaded to its CPU side: 4 GiB (an assumption, stated in every such plan).</summary>
    public const long UnifiedOsReserveBytes = 4L << 30;
}
