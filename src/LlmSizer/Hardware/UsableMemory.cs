using System.Globalization;
using LlmSizer.Units;

namespace LlmSizer.Hardware;

/// <summary>
/// How much of a device's memory a model may use, in bytes, by device kind (docs/METHOD.md, "Hardware catalog"):
/// a discrete GPU loses its CUDA (or ROCm) context to every process; Apple Silicon's GPU may wire only Metal's
/// recommended working set; a CPU counts all of its RAM.
/// </summary>
public static class UsableMemory
{
    /// <summary>
    /// Memory a process's CUDA context takes before any allocation: llama.cpp measured 107 MiB on an RTX 4060 Ti and 555 MiB on
    /// an RTX PRO 6000 (it grows with the SM count; ggml-org/llama.cpp#23604), PyTorch about 300 MB with lazy module loading
    /// (pytorch/pytorch#107667). 512 MiB covers all but the largest parts.
    /// </summary>
    public const long GpuContextReserveBytes = 512L << 20;

    /// <summary>From this much unified memory on, macOS lets Metal wire 3/4 of it instead of 2/3.</summary>
    public const long AppleThreeQuartersFromBytes = 64L << 30;

    /// <summary>What a discrete GPU leaves a model: what its driver reports as total less the context reserve.</summary>
    public static long DiscreteGpu(long driverTotalBytes) => driverTotalBytes - GpuContextReserveBytes;

    /// <summary>
    /// Metal's default <c>recommendedMaxWorkingSetSize</c> on macOS 13–15: 2/3 of RAM below 64 GiB, 3/4 from 64 GiB (llama.cpp logs:
    /// 16 GiB → 10922.67 MiB, 32 GiB → 21845.34 MiB, 64 GiB → 49152 MiB, 96 GiB → 73728 MiB).
    /// </summary>
    public static long AppleWorkingSet(long memoryBytes) =>
        memoryBytes < AppleThreeQuartersFromBytes ? memoryBytes * 2 / 3 : memoryBytes * 3 / 4;

    /// <summary>The default for a device of <paramref name="kind"/>; <paramref name="driverTotalBytes"/> is what a GPU's driver reports, when known.</summary>
    public static long Default(DeviceKind kind, long memoryBytes, long? driverTotalBytes = null) => kind switch
    {
        DeviceKind.Gpu => DiscreteGpu(driverTotalBytes ?? memoryBytes),
        DeviceKind.UnifiedMemory => AppleWorkingSet(memoryBytes),
        _ => memoryBytes,
    };

    /// <summary>Why <see cref="Default"/> gives what it gives, for <see cref="DeviceSpec.UsableMemoryNote"/>.</summary>
    public static string DefaultNote(DeviceKind kind, long memoryBytes, long? driverTotalBytes = null) => kind switch
    {
        DeviceKind.Gpu => (driverTotalBytes is { } total
                ? $"the driver reports {Mib(total)} (nvidia-smi)"
                : $"{Gib(memoryBytes)} as built (the driver's own total, not known here, is a little lower)")
            + " less 512 MiB for the runtime context (CUDA, ROCm)",
        DeviceKind.UnifiedMemory =>
            $"Metal's default GPU working set, {(memoryBytes < AppleThreeQuartersFromBytes ? "2/3" : "3/4")} of {Gib(memoryBytes)} (macOS 13-15); "
            + "raise it with: sudo sysctl iogpu.wired_limit_mb=N (macOS 14+, until reboot)",
        _ => "all of RAM; the OS and other programs need part of it",
    };

    private static string Mib(long bytes) => (bytes >> 20).ToString(CultureInfo.InvariantCulture) + " MiB";

    private static string Gib(long bytes) => ByteSize.ToGiB(bytes).ToString("0.##", CultureInfo.InvariantCulture) + " GiB";
}
