using LlmSizer.Hardware;
using LlmSizer.Reports;

namespace LlmSizer.Requests;

/// <summary>Which catalog devices to list (<c>llmsizer devices</c>, <c>/api/devices</c>), or the storage classes instead.</summary>
public sealed record DeviceListRequest
{
    /// <summary>Text the id, name, vendor or an alias contains.</summary>
    public string? Filter { get; init; }

    /// <summary><c>gpu</c>, <c>unified</c> or <c>cpu</c>.</summary>
    public string? Kind { get; init; }

    /// <summary>List the storage classes (model load speed) instead of devices.</summary>
    public bool? Storage { get; init; }

    public DeviceList Build(FieldStyle style)
    {
        if (Storage == true && Kind is not null)
            throw RequestFields.Error("kind", $"{RequestFields.Name("kind", style)} applies to devices, not to {RequestFields.Name("storage", style)}");
        return DeviceList.Build(Filter, ParseKind(Kind, style), Storage ?? false);
    }

    private static DeviceKind? ParseKind(string? text, FieldStyle style) => text?.Trim().ToLowerInvariant() switch
    {
        null => null,
        "gpu" => DeviceKind.Gpu,
        "unified" => DeviceKind.UnifiedMemory,
        "cpu" => DeviceKind.Cpu,
        _ => throw RequestFields.Error("kind", $"{RequestFields.Name("kind", style)} '{text}': expected gpu, unified or cpu"),
    };
}
