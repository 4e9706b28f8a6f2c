using LlmSizer.Inference;

namespace LlmSizer.Hardware.Speed;

/// <summary>
/// One line of a speed estimate: what it is, its value and unit (<c>s</c>, <c>bytes</c>, <c>FLOP</c>, <c>tokens/s</c>), the formula
/// with the numbers, the inputs and the source of the rule or constant. <see cref="Device"/> names where it happens when the
/// work is split (<c>GPU 0</c>, <c>CPU</c>).
/// </summary>
public sealed record SpeedItem(
    string Name,
    double Value,
    string Unit,
    string Formula,
    IReadOnlyList<EstimateInput> Inputs,
    string Source,
    string? Device = null);
