namespace LlmSizer.Hardware;

/// <summary>What kind of memory a device computes from, which decides how a model is placed on it.</summary>
public enum DeviceKind
{
    /// <summary>A discrete accelerator with its own memory (NVIDIA, AMD, Intel GPUs); the host's RAM is separate.</summary>
    Gpu,
    /// <summary>CPU and GPU share one memory pool (Apple Silicon, DGX Spark, Ryzen AI Max); the GPU may use only part of it.</summary>
    UnifiedMemory,
    /// <summary>A CPU computing from system RAM (llama.cpp without offload).</summary>
    Cpu,
}
