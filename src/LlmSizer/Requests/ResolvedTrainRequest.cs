using LlmSizer.Formats;
using LlmSizer.Hardware;
using LlmSizer.Reports;
using LlmSizer.Training;

namespace LlmSizer.Requests;

/// <summary>A <see cref="TrainRequest"/> checked and converted: what remains needs the model.</summary>
public sealed record ResolvedTrainRequest
{
    internal ResolvedTrainRequest(TrainingOptions options, DeviceSpec? device, bool countGiven, FieldStyle style)
    {
        Options = options;
        Device = device;
        CountGiven = countGiven;
        Style = style;
    }

    public TrainingOptions Options { get; }

    /// <summary>The GPU to fit on (a catalog entry or one known by its memory); null when none was named.</summary>
    public DeviceSpec? Device { get; }

    /// <summary>Whether the GPU count was given (<c>gpus</c> or <c>NAMExN</c>) rather than left to the search.</summary>
    public bool CountGiven { get; }

    /// <summary>How the library's own usage errors name fields.</summary>
    public FieldStyle Style { get; }

    /// <summary>Memory per GPU, the GPU count, time and checkpoints for <paramref name="source"/>.</summary>
    public TrainReport Build(ModelSource source) => RequestFields.Styled(Style, () => TrainReport.Build(source, Options, Device, CountGiven));
}
