namespace LlmSizer.Hardware;

/// <summary>
/// Where model files are read from when a model loads (<c>hdd</c>, <c>sata-ssd</c>, <c>nvme4</c>, <c>nas-10gbe</c>…), with its
/// typical sustained sequential read throughput in bytes per second and the source of that figure.
/// </summary>
public sealed record StorageClass(string Id, string Name, double ReadBytesPerSecond, string Source);
