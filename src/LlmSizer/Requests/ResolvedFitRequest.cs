using LlmSizer.Formats;
using LlmSizer.Hardware;
using LlmSizer.Hardware.Fit;
using LlmSizer.Inference;
using LlmSizer.Reports;

namespace LlmSizer.Requests;

/// <summary>A <see cref="FitRequest"/> checked and with its devices resolved: what remains needs the model.</summary>
public sealed record ResolvedFitRequest
{
    internal ResolvedFitRequest(InferenceOptions options, FitOptions? fit, bool tiers, long? marginBytes, IReadOnlyList<DeviceSpec> devices, FieldStyle style)
    {
        Options = options;
        Fit = fit;
        Tiers = tiers;
        MarginBytes = marginBytes;
        Devices = devices;
        Style = style;
    }

    public InferenceOptions Options { get; }

    /// <summary>The device asked for, with RAM, storage, margin and host CPU; null when ranking or per tier.</summary>
    public FitOptions? Fit { get; }

    /// <summary>Per hardware tier rather than one device or a ranking.</summary>
    public bool Tiers { get; }

    /// <summary>Memory kept free on each GPU, in bytes; null = the engine's default.</summary>
    public long? MarginBytes { get; }

    /// <summary>The devices a ranking looks at.</summary>
    public IReadOnlyList<DeviceSpec> Devices { get; }

    /// <summary>How the library's own usage errors name fields.</summary>
    public FieldStyle Style { get; }

    /// <summary>A <see cref="FitReport"/> on the device asked for, else a <see cref="TierReport"/> or a <see cref="FitRanking"/>.</summary>
    public FitOutcome Run(ModelSource source) => RequestFields.Styled(Style, () =>
        Tiers ? new FitOutcome(null, null, TierReport.Build(source, Options, marginBytes: MarginBytes))
        : Fit is null ? new FitOutcome(null, FitRanking.Build(source, Options, Devices), null)
        : new FitOutcome(FitReport.Build(source, Options, Fit), null, null));

    /// <summary>Fits / offload / does not fit at each weight type on the device asked for and each tier's (what <c>fit --plot</c> draws).</summary>
    public FitMatrix Matrix(ModelSource source) => RequestFields.Styled(Style, () =>
        FitMatrix.Build(source, Options, FitMatrix.ChartDevices(Fit?.Devices), Fit?.HostRamBytes, MarginBytes));
}
