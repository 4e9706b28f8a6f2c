namespace LlmSizer.Hardware.Fit;

/// <summary>One device's share of a plan: what it holds against what it offers, in bytes.</summary>
/// <param name="Device">Its name in the plan (<c>GPU0</c>, <c>CPU</c>).</param>
/// <param name="UsedBytes">Weights, cache and buffers placed on it.</param>
/// <param name="CapacityBytes">Usable memory (null when unknown: host RAM not given).</param>
/// <param name="MarginBytes">Memory kept free on it by the plan.</param>
/// <param name="Layers">The llama.cpp layers on it (<c>0–15</c>, <c>output</c>), when layers are placed.</param>
public sealed record DeviceUsage(string Device, long UsedBytes, long? CapacityBytes, long MarginBytes, string? Layers = null)
{
    /// <summary>Whether <see cref="UsedBytes"/> plus the margin fits the capacity (true when the capacity is unknown).</summary>
    public bool Fits => CapacityBytes is not { } capacity || UsedBytes + MarginBytes <= capacity;
}
