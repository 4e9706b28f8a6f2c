namespace LlmSizer.Hardware.Speed;

/// <summary>
/// One device's part of a decode step and of prefill: the bytes it reads and the FLOPs it computes per decode step, the
/// seconds each phase spends on it, which roof set them, and its share of the step.
/// </summary>
/// <param name="Device">Display name (<c>GPU 0</c>, <c>CPU</c>, <c>GPU (tensor-parallel rank)</c>).</param>
/// <param name="DecodeBytes">Bytes read per decode step (weights, KV cache, lookups).</param>
/// <param name="DecodeFlops">FLOPs per decode step.</param>
/// <param name="DecodeSeconds">Seconds per decode step on this device, overhead included.</param>
/// <param name="DecodeBound">The larger of the memory and compute terms of its decode time.</param>
/// <param name="PrefillSeconds">Seconds of the prompt's prefill on this device (or streamed through it).</param>
/// <param name="PrefillBound">The larger of the memory (or link) and compute terms of its prefill time.</param>
/// <param name="DecodeShare">DecodeSeconds / the whole step.</param>
public sealed record DeviceTime(
    string Device,
    long DecodeBytes,
    double DecodeFlops,
    double DecodeSeconds,
    SpeedBound DecodeBound,
    double PrefillSeconds,
    SpeedBound PrefillBound,
    double DecodeShare);
