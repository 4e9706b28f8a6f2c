namespace LlmSizer.Inference.LlamaCpp;

/// <summary>
/// The machine llama.cpp runs on, as far as it changes what llama.cpp allocates: whether a GPU backend is present (CUDA,
/// Metal, Vulkan…) and which CPU the weights kept in system memory run on. On a build without a GPU device, the CPU backend
/// repacks some quantized matrices into an interleaved layout it multiplies faster (the <c>CPU_REPACK</c> buffer); which
/// types depends on the CPU's instruction sets (ggml-cpu/repack.cpp). With a GPU device present, CPU-resident weights of a
/// memory-mapped model stay in the mapped file and nothing is repacked.
/// </summary>
/// <param name="HasGpu">A GPU backend with a device (the layers <c>-ngl</c> offloads go there).</param>
/// <param name="Cpu">The CPU's repack capability.</param>
public sealed record LlamaCppMachine(bool HasGpu, CpuRepack Cpu)
{
    /// <summary>A CPU-only build on an x86-64 CPU with AVX2 (the common desktop and server case).</summary>
    public static LlamaCppMachine CpuOnlyAvx2 { get; } = new(false, CpuRepack.X86Avx2);

    /// <summary>A GPU build (CUDA, Metal, Vulkan); CPU-resident weights stay memory-mapped, unrepacked.</summary>
    public static LlamaCppMachine WithGpu { get; } = new(true, CpuRepack.X86Avx2);

    /// <summary>
    /// What an estimate assumes when not told: a GPU build when any layer is offloaded (<c>-ngl</c> above 0, or all by
    /// default), a CPU-only x86-64 AVX2 build when none is.
    /// </summary>
    public static LlamaCppMachine DefaultFor(int gpuLayers) => gpuLayers > 0 ? WithGpu : CpuOnlyAvx2;

    /// <summary>How the machine reads in the settings list.</summary>
    public string Describe() => HasGpu
        ? "GPU build (CUDA rules for GPU buffers); CPU-resident weights memory-mapped"
        : $"CPU-only build, {Cpu switch
        {
            CpuRepack.None => "no weight repacking",
            CpuRepack.X86Avx2 => "x86-64 AVX2 (repacks Q4_0, Q4_K, IQ4_NL, MXFP4)",
            CpuRepack.X86Avx512 => "x86-64 AVX-512 (repacks Q4_0, Q4_K, Q2_K, IQ4_NL, MXFP4)",
            CpuRepack.ArmDotProd => "Arm NEON dot-product (repacks Q4_0, Q4_K, Q5_K, Q6_K, IQ4_NL, MXFP4, Q8_0)",
            CpuRepack.ArmI8mm => "Arm NEON i8mm (repacks Q4_0, Q4_K, Q5_K, Q6_K, IQ4_NL, MXFP4, Q8_0)",
            _ => Cpu.ToString(),
        }}";

    /// <summary>
    /// Whether the CPU backend repacks a matrix of <paramref name="ggmlType"/> with <paramref name="rows"/> rows
    /// (ggml's <c>ne[1]</c>) on this CPU: ggml-cpu/repack.cpp picks an interleaving per type and instruction set, and each
    /// needs the row count to be a multiple of its interleave (8 on x86, 4 or 8 on Arm).
    /// </summary>
    public bool Repacks(string ggmlType, long rows)
    {
        if (HasGpu)
            return false;
        string t = ggmlType.ToUpperInvariant();
        return Cpu switch
        {
            CpuRepack.X86Avx2 => t is "Q4_0" or "Q4_K" or "IQ4_NL" or "MXFP4" && rows % 8 == 0,
            CpuRepack.X86Avx512 => t is "Q4_0" or "Q4_K" or "Q2_K" or "IQ4_NL" or "MXFP4" && rows % 8 == 0,
            CpuRepack.ArmDotProd or CpuRepack.ArmI8mm => t switch
            {
                "Q4_0" or "IQ4_NL" or "MXFP4" or "Q8_0" or "Q1_0" => rows % 4 == 0,
                "Q4_K" or "Q5_K" or "Q6_K" => rows % 8 == 0,
                _ => false,
            },
            _ => false,
        };
    }
}

/// <summary>Which CPU instruction sets ggml's CPU backend repacks quantized weights for.</summary>
public enum CpuRepack
{
    /// <summary>No repacking (an old CPU, or a build with it turned off).</summary>
    None,
    /// <summary>x86-64 with AVX2.</summary>
    X86Avx2,
    /// <summary>x86-64 with AVX-512 (adds Q2_K).</summary>
    X86Avx512,
    /// <summary>Arm with NEON dot-product instructions.</summary>
    ArmDotProd,
    /// <summary>Arm with NEON int8 matrix multiply (i8mm).</summary>
    ArmI8mm,
}
