namespace LlmSizer.Hardware.Speed;

/// <summary>
/// Speed of one model on one machine and placement. Decode: tokens per second for each sequence and for the whole batch;
/// prefill: tokens per second of one prompt and the time to its first token. Every figure is a sum of the
/// <see cref="Items"/>, which carry their formulas; the efficiencies used are in <see cref="Efficiencies"/>.
/// </summary>
/// <param name="DecodeTokensPerSecond">Tokens per second one sequence sees: 1 / step time.</param>
/// <param name="AggregateDecodeTokensPerSecond">Tokens per second of all sequences together: sequences / step time.</param>
/// <param name="PrefillTokensPerSecond">Prompt tokens per second of one prompt.</param>
/// <param name="TimeToFirstTokenSeconds">Prefill time of one prompt.</param>
/// <param name="DecodeStepSeconds">Seconds per decode step (one token for every sequence).</param>
/// <param name="Bound">What limits decode on the device that takes the most time.</param>
/// <param name="PrefillBound">What limits prefill on the device that takes the most time.</param>
/// <param name="BytesPerStep">Bytes read from memory per decode step, all devices.</param>
/// <param name="BytesPerToken">BytesPerStep / sequences.</param>
/// <param name="FlopsPerToken">FLOPs per generated token (matrix products and attention at the context).</param>
/// <param name="Devices">Each device's bytes, FLOPs, seconds and share.</param>
/// <param name="Items">Line items with formulas.</param>
/// <param name="Efficiencies">The calibrated efficiencies used, one per kind of device involved.</param>
/// <param name="Notes">Assumptions worth reading (fallbacks, unknown figures).</param>
public sealed record SpeedEstimate(
    double DecodeTokensPerSecond,
    double AggregateDecodeTokensPerSecond,
    double PrefillTokensPerSecond,
    double TimeToFirstTokenSeconds,
    double DecodeStepSeconds,
    SpeedBound Bound,
    SpeedBound PrefillBound,
    long BytesPerStep,
    long BytesPerToken,
    double FlopsPerToken,
    IReadOnlyList<DeviceTime> Devices,
    IReadOnlyList<SpeedItem> Items,
    IReadOnlyList<SpeedEfficiency> Efficiencies,
    IReadOnlyList<string> Notes);
