namespace LlmSizer.Hardware.Speed;

/// <summary>
/// The machine a speed estimate runs on. <see cref="Device"/> computes the model: a GPU, a unified-memory chip (Apple
/// Silicon, DGX Spark) or, for CPU-only inference, a CPU. Bandwidths in bytes per second.
/// </summary>
public sealed record SpeedHardware
{
    /// <summary>The compute device; <see cref="DeviceKind.Cpu"/> means the whole model runs on the host CPU.</summary>
    public required DeviceSpec Device { get; init; }

    /// <summary>Identical devices sharing the model (see <see cref="SpeedPlacement.Mode"/>).</summary>
    public int DeviceCount { get; init; } = 1;

    /// <summary>
    /// The host CPU, for layers or experts kept in system RAM and for their compute. Optional: <see cref="HostBandwidthBytesPerSecond"/>
    /// alone is enough for decode.
    /// </summary>
    public DeviceSpec? Host { get; init; }

    /// <summary>System RAM bandwidth; overrides <see cref="Host"/>'s. For a unified-memory device without either, the device's own.</summary>
    public double? HostBandwidthBytesPerSecond { get; init; }

    /// <summary>Host ↔ GPU link per direction (PCIe); overrides <see cref="DeviceSpec.HostLinkBytesPerSecond"/>.</summary>
    public double? HostLinkBytesPerSecond { get; init; }

    /// <summary>The host's memory bandwidth as used: the override, else <see cref="Host"/>'s, else (unified memory) the device's.</summary>
    internal double? HostBandwidth =>
        HostBandwidthBytesPerSecond ?? Host?.BandwidthBytesPerSecond
        ?? (Device.Kind is DeviceKind.UnifiedMemory or DeviceKind.Cpu ? Device.BandwidthBytesPerSecond : null);

    /// <summary>The host link as used: the override, else the device's.</summary>
    internal double? HostLink => HostLinkBytesPerSecond ?? Device.HostLinkBytesPerSecond;

    /// <summary>A CPU-only machine: <see cref="Device"/> is the host.</summary>
    public static SpeedHardware CpuOnly(DeviceSpec cpu) => new() { Device = cpu, Host = cpu };
}
