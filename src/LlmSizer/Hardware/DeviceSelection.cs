namespace LlmSizer.Hardware;

/// <summary><paramref name="Count"/> identical devices (<c>h100x8</c>) the model is placed on.</summary>
public sealed record DeviceSelection(DeviceSpec Device, int Count)
{
    /// <summary>Usable memory of all devices together, in bytes.</summary>
    public long UsableMemoryBytes => Device.UsableMemoryBytes * Count;

    /// <summary>How it reads: <c>NVIDIA H100 SXM ×8</c>.</summary>
    public override string ToString() => Count == 1 ? Device.Name : $"{Device.Name} ×{Count}";
}
