namespace LlmSizer.Training;

/// <summary>What DeepSpeed ZeRO-Offload / ZeRO-Infinity moves off the GPU.</summary>
public enum OffloadKind
{
    None,
    /// <summary>Optimizer states, fp32 master weights and fp32 gradients (ZeRO-Offload; ZeRO-2 or 3).</summary>
    Optimizer,
    /// <summary>The optimizer as above and the parameters too (ZeRO-3 only).</summary>
    Parameters,
}

/// <summary>Where offloaded state lives.</summary>
public enum OffloadDevice
{
    Cpu,
    /// <summary>ZeRO-Infinity: NVMe, with pinned host buffers in front of it.</summary>
    Nvme,
}
