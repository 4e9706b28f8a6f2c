namespace LlmSizer.Hardware;

/// <summary>The devices and storage classes of one catalog document, checked (<see cref="DeviceDocumentReader"/>).</summary>
/// <param name="Source">The file it came from, as named in errors.</param>
public sealed record DeviceFile(string Source, IReadOnlyList<DeviceSpec> Devices, IReadOnlyList<StorageClass> Storage)
{
    /// <summary>Further names of storage classes by id (<c>ssd</c> for <c>sata-ssd</c>); <see cref="StorageClass"/> itself has none.</summary>
    internal IReadOnlyDictionary<string, IReadOnlyList<string>> StorageAliases { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
}
