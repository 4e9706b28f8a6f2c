namespace LlmSizer.Hardware;

/// <summary>The JSON form of a device catalog (the embedded Hardware/devices.json, or a user's file): devices and storage classes.</summary>
public sealed record DeviceCatalogDocument
{
    public List<DeviceEntry>? Devices { get; init; }

    public List<StorageEntry>? Storage { get; init; }
}
