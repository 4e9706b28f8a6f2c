using LlmSizer.Hardware;

namespace LlmSizer.Reports;

/// <summary>What <c>llmsizer devices</c> lists: catalog devices, or with <c>--storage</c> the storage classes.</summary>
public sealed record DeviceList(IReadOnlyList<DeviceListItem>? Devices, IReadOnlyList<StorageClass>? Storage)
{
    /// <summary>
    /// Devices whose id, name, vendor or an alias contains <paramref name="filter"/> (ignoring case, spaces and dashes) and of
    /// <paramref name="kind"/> when given; or, with <paramref name="storage"/>, the storage classes matching the filter.
    /// </summary>
    public static DeviceList Build(string? filter, DeviceKind? kind = null, bool storage = false)
    {
        if (storage)
            return new DeviceList(null, DeviceCatalog.Storage.Where(s => Matches(filter, s.Id, s.Name)).ToList());
        return new DeviceList(
            DeviceCatalog.All
                .Where(d => (kind is null || d.Kind == kind) && Matches(filter, [d.Id, d.Name, d.Vendor, .. d.Aliases]))
                .Select(DeviceListItem.From).ToList(),
            null);
    }

    private static bool Matches(string? filter, params string[] names)
    {
        if (filter is null)
            return true;
        string key = DeviceName.Key(filter);
        return names.Any(n => DeviceName.Key(n).Contains(key, StringComparison.Ordinal));
    }
}

/// <summary>One device as listed: the catalog's figures in bytes, bytes per second and operations per second; kind as gpu, unified or cpu.</summary>
public sealed record DeviceListItem(
    string Id,
    string Name,
    string Kind,
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
    public static DeviceListItem From(DeviceSpec d) => new(
        d.Id, d.Name, KindName(d.Kind), d.Vendor, d.Aliases, d.MemoryBytes, d.UsableMemoryBytes, d.UsableMemoryNote,
        d.BandwidthBytesPerSecond, d.Fp16Flops, d.Fp8Flops, d.Int8Ops, d.Interconnect, d.HostLinkBytesPerSecond,
        d.PeerLinkBytesPerSecond, d.Source);

    /// <summary>The names <c>--kind</c> and the catalog file use: gpu, unified, cpu.</summary>
    public static string KindName(DeviceKind kind) => kind switch
    {
        DeviceKind.Gpu => "gpu",
        DeviceKind.UnifiedMemory => "unified",
        _ => "cpu",
    };
}
