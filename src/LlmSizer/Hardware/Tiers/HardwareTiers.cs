using System.Text.Json;
using LlmSizer.Errors;
using LlmSizer.Serialization;

namespace LlmSizer.Hardware.Tiers;

/// <summary>
/// The embedded hardware tiers (Hardware/tiers.json) over the embedded device catalog, in order of what the same memory costs in
/// them, cheapest first (consumer desktop cards, then laptops, Macs, workstation cards, data-centre GPUs), the CPU tier last.
/// Read and checked once.
/// </summary>
public static class HardwareTiers
{
    private const string ResourceName = "LlmSizer.Hardware.tiers.json";

    private static readonly Lazy<IReadOnlyList<HardwareTier>> Embedded = new(() =>
    {
        using var stream = typeof(HardwareTiers).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing from the build");
        using var reader = new StreamReader(stream);
        return Read(reader.ReadToEnd(), "tiers.json (embedded)", DeviceCatalog.Index);
    });

    public static IReadOnlyList<HardwareTier> All => Embedded.Value;

    /// <summary>
    /// Tiers from <paramref name="json"/> over the devices of <paramref name="index"/>; problems (an unknown id or kind, a chart
    /// device outside its tier or beyond its count) are <see cref="InputException"/>s naming the tier and field.
    /// </summary>
    public static IReadOnlyList<HardwareTier> Read(string json, string sourceName, DeviceIndex index)
    {
        TierDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, LlmSizerJsonContext.Default.TierDocument);
        }
        catch (JsonException e)
        {
            throw new InputException(sourceName, $"{e.Path} (line {e.LineNumber + 1})", e.Message);
        }
        if (document?.Tiers is not { Count: > 0 } entries)
            throw new InputException(sourceName, "tiers", "expected a non-empty list of tiers");
        var tiers = entries.Select((entry, i) => Tier(entry, $"tiers[{i}]", sourceName, index)).ToList();
        if (tiers.GroupBy(t => t.Id).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
            throw new InputException(sourceName, "tiers", $"tier id '{duplicate.Key}' appears twice");
        return tiers;
    }

    private static HardwareTier Tier(TierEntry? entry, string at, string sourceName, DeviceIndex index)
    {
        InputException Error(string field, string problem) => new(sourceName, $"{at}.{field}", problem);
        if (entry is null)
            throw Error("entry", "expected an object, found null");
        string id = entry.Id is { Length: > 0 } i ? i : throw Error("id", "expected a tier id");
        at = $"tiers['{id}']";
        int maxCount = entry.MaxCount is >= 1 and <= 64 ? entry.MaxCount.Value : throw Error("maxCount", $"expected 1 to 64, found {entry.MaxCount}");

        var kinds = (entry.Kinds ?? []).Select(k => k switch
        {
            "gpu" => DeviceKind.Gpu,
            "unified" => DeviceKind.UnifiedMemory,
            "cpu" => DeviceKind.Cpu,
            _ => throw Error("kinds", $"expected gpu, unified or cpu, found '{k}'"),
        }).ToHashSet();
        var named = (entry.Devices ?? []).Select(d => index.Devices.FirstOrDefault(x => x.Id == d)
            ?? throw Error("devices", $"'{d}' is not a catalog device id")).ToHashSet();
        var devices = index.Devices.Where(d => named.Contains(d) || kinds.Contains(d.Kind)).ToList();
        if (devices.Count == 0)
            throw Error("devices", "expected at least one device (by id or kind)");

        var chart = (entry.Chart ?? []).Select(text =>
        {
            DeviceSelection selection;
            try
            {
                selection = index.Resolve(text);
            }
            catch (UsageException e)
            {
                throw Error("chart", e.Message);
            }
            if (!devices.Contains(selection.Device))
                throw Error("chart", $"'{text}' is not a device of this tier");
            if (selection.Count > maxCount)
                throw Error("chart", $"'{text}' has more than the tier's {maxCount}");
            return selection;
        }).ToList();

        return new HardwareTier(id, entry.Name ?? throw Error("name", "expected a name"), entry.Description ?? throw Error("description", "expected a description"),
            maxCount, entry.Accelerated ?? true, devices, chart);
    }
}
