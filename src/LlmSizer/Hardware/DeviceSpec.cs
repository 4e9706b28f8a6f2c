namespace LlmSizer.Hardware;

/// <summary>
/// One compute device as far as sizing and speed need it. Memory in bytes; bandwidth in bytes per second; compute in
/// floating-point (or integer) operations per second, dense (no sparsity). Every catalog entry names its source.
/// </summary>
/// <param name="Id">Catalog key, lower-case with dashes (<c>rtx-4090</c>, <c>h100-sxm</c>, <c>m4-max-128gb</c>).</param>
/// <param name="Name">Display name (<c>NVIDIA GeForce RTX 4090</c>).</param>
/// <param name="Aliases">Further names it resolves from (<c>4090</c>, <c>h100</c>).</param>
/// <param name="MemoryBytes">Installed memory (for unified memory, the whole pool).</param>
/// <param name="UsableMemoryBytes">What a model may use: memory less the driver/context reserve, or for unified memory the GPU working-set limit.</param>
/// <param name="UsableMemoryNote">Why usable differs from installed, and how to raise it where one can (Apple's <c>iogpu.wired_limit_mb</c>).</param>
/// <param name="BandwidthBytesPerSecond">Peak memory bandwidth.</param>
/// <param name="Fp16Flops">Dense FP16/BF16 tensor throughput.</param>
/// <param name="Fp8Flops">Dense FP8 throughput; null where the device has no FP8 units.</param>
/// <param name="Int8Ops">Dense INT8 throughput; null where unknown.</param>
/// <param name="Interconnect">How it talks to the host and its peers (<c>PCIe 4.0 x16</c>, <c>NVLink 4 (900 GB/s)</c>).</param>
/// <param name="HostLinkBytesPerSecond">Host link bandwidth per direction (PCIe), for offloaded activations and weights; null for unified memory.</param>
/// <param name="PeerLinkBytesPerSecond">Device-to-device bandwidth per direction (NVLink/Infinity Fabric, else PCIe); null where not applicable.</param>
/// <param name="Source">Where the figures come from (a vendor datasheet URL or document).</param>
public sealed record DeviceSpec(
    string Id,
    string Name,
    DeviceKind Kind,
    string Vendor,
    IReadOnlyList<string> Aliases,
    long MemoryBytes,
    long UsableMemoryBytes,
    string? UsableMemoryNote,
    double BandwidthBytesPerSecond,
    double Fp16Flops,
    double? Fp8Flops,
    double? Int8Ops,
    string Interconnect,
    double? HostLinkBytesPerSecond,
    double? PeerLinkBytesPerSecond,
    string Source)
{
    /// <summary>
    /// Memory technology as the datasheet names it (<c>GDDR6X</c>, <c>GDDR7</c>, <c>HBM3</c>, <c>LPDDR5X</c>, <c>DDR5</c>); null when
    /// not recorded. The speed model uses it to pick an efficiency: llama.cpp reaches a much smaller share of peak on HBM
    /// datacenter GPUs than on GDDR cards (see docs/METHOD.md, "Speed").
    /// </summary>
    public string? MemoryType { get; init; }

    /// <summary>Whether <see cref="MemoryType"/> names high-bandwidth memory (HBM, HBM2, HBM2e, HBM3, HBM3e).</summary>
    public bool HasHighBandwidthMemory => MemoryType is { } type && type.StartsWith("HBM", StringComparison.OrdinalIgnoreCase);
}
