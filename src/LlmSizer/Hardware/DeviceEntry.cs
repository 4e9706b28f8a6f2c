namespace LlmSizer.Hardware;

/// <summary>
/// One device as written in a catalog file. Quantities are text with units, checked when read (<see cref="DeviceDocumentReader"/>):
/// sizes as <c>24GiB</c>, rates as <c>1008GB/s</c>, throughput as <c>165.2TF</c> or <c>660.6TOPS</c> (dense, no sparsity).
/// </summary>
public sealed record DeviceEntry
{
    public string? Id { get; init; }

    public string? Name { get; init; }

    /// <summary><c>gpu</c>, <c>unified</c> or <c>cpu</c>.</summary>
    public string? Kind { get; init; }

    public string? Vendor { get; init; }

    public List<string>? Aliases { get; init; }

    /// <summary>Installed memory (<c>24GiB</c>).</summary>
    public string? Memory { get; init; }

    /// <summary>For a GPU, the total its driver reports (<c>nvidia-smi</c>: <c>24564MiB</c>), when known; usable memory starts from it.</summary>
    public string? DriverMemory { get; init; }

    /// <summary>Usable memory when the kind's rule does not apply (<see cref="UsableMemory"/>); needs <see cref="UsableNote"/>.</summary>
    public string? Usable { get; init; }

    public string? UsableNote { get; init; }

    public string? Bandwidth { get; init; }

    /// <summary>Memory technology as the datasheet names it (<c>HBM3</c>, <c>GDDR6X</c>); optional (<see cref="DeviceSpec.MemoryType"/>).</summary>
    public string? MemoryType { get; init; }

    public string? Fp16 { get; init; }

    public string? Fp8 { get; init; }

    public string? Int8 { get; init; }

    public string? Interconnect { get; init; }

    /// <summary>Host link per direction (<c>31.5GB/s</c> for PCIe 4.0 x16).</summary>
    public string? HostLink { get; init; }

    /// <summary>Device-to-device link per direction.</summary>
    public string? PeerLink { get; init; }

    /// <summary>Where the figures come from: a URL, then any derivation after "; ".</summary>
    public string? Source { get; init; }
}
