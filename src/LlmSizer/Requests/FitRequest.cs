using LlmSizer.Formats;
using LlmSizer.Hardware;
using LlmSizer.Hardware.Fit;

namespace LlmSizer.Requests;

/// <summary>
/// Does a model fit, as the user typed it (<c>llmsizer fit</c>, <c>/api/fit</c>): on <see cref="Device"/> (× <see cref="Count"/>),
/// ranked over every catalog device when no device is named, or per hardware tier with <see cref="Tiers"/>. Sizes are text such
/// as <c>64GB</c> or <c>1GiB</c>; null fields take the defaults <c>llmsizer fit --help</c> prints.
/// </summary>
public sealed record FitRequest
{
    /// <summary>How the model is run.</summary>
    public InferenceRequest Inference { get; init; } = new();

    /// <summary>A device name (<c>rtx-4090</c>, <c>h100x8</c>, <c>custom:mem=24GB,…</c>); null ranks every catalog device.</summary>
    public string? Device { get; init; }

    /// <summary>How many of <see cref="Device"/> (the same as <c>NAMExN</c>).</summary>
    public int? Count { get; init; }

    /// <summary>System RAM for layers kept on the CPU (<c>64GB</c>); null = not checked.</summary>
    public string? Ram { get; init; }

    /// <summary>A storage class (<c>nvme4</c>) or read rate (<c>800MB/s</c>) for the load time.</summary>
    public string? Storage { get; init; }

    /// <summary>A catalog CPU entry (<c>ddr5-5600-2ch</c>) for the layers kept in RAM.</summary>
    public string? Cpu { get; init; }

    /// <summary>Memory to keep free on each GPU (<c>1GiB</c>); null = the engine's default.</summary>
    public string? Margin { get; init; }

    /// <summary>The cheapest machine of each hardware tier instead of one device or a ranking.</summary>
    public bool Tiers { get; init; }

    /// <summary>
    /// Checks the fields and their combination and resolves the devices in <paramref name="index"/>, without the model, so that a
    /// usage error never waits on reading a model file.
    /// </summary>
    public ResolvedFitRequest Resolve(DeviceIndex index, FieldStyle style)
    {
        var options = Inference.ToOptions(style);
        long? marginBytes = RequestFields.Size(Margin, "margin", style);
        string N(string field) => RequestFields.Name(field, style);
        if (Tiers)
        {
            if (Device is not null || Count is not null || Ram is not null)
                throw RequestFields.Error("tiers", $"{N("tiers")} looks at every tier's catalog devices; leave out {N("device")}, {N("count")} and {N("ram")}");
            return new ResolvedFitRequest(options, null, true, marginBytes, index.Devices, style);
        }
        if (Device is not { } name)
        {
            if (Count is not null || Ram is not null)
                throw RequestFields.Error(Count is not null ? "count" : "ram",
                    $"{N("count")} and {N("ram")} need {N("device")} (without it, fit ranks every catalog device)");
            return new ResolvedFitRequest(options, null, false, marginBytes, index.Devices, style);
        }
        var selection = RequestFields.About("device", () => Count is { } n ? index.Resolve(name, n) : index.Resolve(name));
        var fit = new FitOptions(selection,
            RequestFields.Size(Ram, "ram", style),
            Storage is { } s ? RequestFields.About("storage", () => DeviceCatalog.ResolveStorage(s)) : null,
            marginBytes,
            Cpu is { } c ? HostCpu(RequestFields.About("cpu", () => index.Resolve(c)), style) : null);
        return new ResolvedFitRequest(options, fit, false, marginBytes, index.Devices, style);
    }

    /// <summary><see cref="Resolve"/> then <see cref="ResolvedFitRequest.Run"/> on <paramref name="source"/>.</summary>
    public FitOutcome Run(ModelSource source, DeviceIndex index, FieldStyle style) => Resolve(index, style).Run(source);

    private static DeviceSpec HostCpu(DeviceSelection selection, FieldStyle style) => selection.Device.Kind == DeviceKind.Cpu
        ? selection.Device
        : throw RequestFields.Error("cpu",
            $"{RequestFields.Name("cpu", style)} '{selection.Device.Id}' is not a CPU entry; name one such as ddr5-5600-2ch (see 'llmsizer devices --kind cpu')");
}
