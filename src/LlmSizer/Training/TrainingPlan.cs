using LlmSizer.Hardware;
using LlmSizer.Training.Time;

namespace LlmSizer.Training;

/// <summary>A training estimate on a chosen number of GPUs, whether it fits a device, the fewest that do, and the run's compute and time.</summary>
/// <param name="Estimate">Memory at <see cref="Gpus"/>.<see cref="GpuCount.Count"/> GPUs.</param>
/// <param name="Gpus">How many GPUs, and how that number was chosen.</param>
/// <param name="Compute">Training FLOPs for <see cref="Tokens"/> tokens.</param>
/// <param name="Tokens">Training tokens (given, or 20 per parameter).</param>
/// <param name="Time">GPU-hours, days and cost on <see cref="TimeDevice"/> at the chosen MFU.</param>
/// <param name="TimeDevice">The device the time assumes (the one given, else an H100 SXM, said in <see cref="Notes"/>).</param>
/// <param name="DeepSpeed">DeepSpeed's own model-states estimate for the same ZeRO-2/3 settings (AdamW full fine-tune only), as a cross-check.</param>
public sealed record TrainingPlan(
    TrainingEstimate Estimate,
    GpuCount Gpus,
    TrainingCompute Compute,
    double Tokens,
    TrainingTime Time,
    DeviceSpec TimeDevice,
    DeepSpeed.DeepSpeedEstimate? DeepSpeed,
    IReadOnlyList<string> Notes);

/// <summary>
/// GPU count: <see cref="Count"/> used for the estimate; with a device, whether one GPU's share fits its usable memory, the fewest
/// GPUs that fit under this layout (<see cref="Minimum"/>, null when no count does), and the rule of thumb
/// <c>⌈P(B) × 18 × 1.25 / GPU GB⌉</c> beside it.
/// </summary>
public sealed record GpuCount(
    int Count,
    bool CountGiven,
    DeviceSpec? Device,
    bool? Fits,
    int? Minimum,
    string? MinimumNote,
    int? RuleOfThumb,
    string? RuleOfThumbFormula);
