using System.Text.Json;
using System.Text.RegularExpressions;
using LlmSizer.Errors;
using LlmSizer.Serialization;
using LlmSizer.Units;

namespace LlmSizer.Hardware;

/// <summary>
/// Reads a device catalog document (<see cref="DeviceCatalogDocument"/>) into checked <see cref="DeviceSpec"/>s and
/// <see cref="StorageClass"/>es. Every problem is an <see cref="InputException"/> naming the file, the entry and the field.
/// </summary>
public static partial class DeviceDocumentReader
{
    /// <summary>Parses <paramref name="json"/>; <paramref name="sourceName"/> names it in errors (a path, or "devices.json (embedded)").</summary>
    public static DeviceFile Read(string json, string sourceName)
    {
        DeviceCatalogDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, LlmSizerJsonContext.Default.DeviceCatalogDocument);
        }
        catch (JsonException e)
        {
            throw new InputException(sourceName, $"{e.Path} (line {e.LineNumber + 1})", e.Message);
        }
        if (document is null || document.Devices is null && document.Storage is null)
            throw new InputException(sourceName, "top level", "expected an object with \"devices\" and/or \"storage\" lists");

        var devices = (document.Devices ?? []).Select((entry, i) => Device(entry, new Where(sourceName, "devices", i, entry?.Id))).ToList();
        var storage = (document.Storage ?? []).Select((entry, i) => Storage(entry, new Where(sourceName, "storage", i, entry?.Id))).ToList();
        RejectDuplicates(sourceName, "devices", devices.Select(d => d.Id));
        RejectDuplicates(sourceName, "storage", storage.Select(s => s.Id));
        var storageAliases = (document.Storage ?? []).Where(e => e?.Aliases is not null).ToDictionary(
            e => e!.Id!.Trim(), e => (IReadOnlyList<string>)e!.Aliases!.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a.Trim()).ToList());
        return new DeviceFile(sourceName, devices, storage) { StorageAliases = storageAliases };
    }

    private static DeviceSpec Device(DeviceEntry? entry, Where at)
    {
        if (entry is null)
            throw at.Error("entry", "expected an object, found null");
        string id = Id(entry.Id, at);
        var kind = Kind(Required(entry.Kind, "kind", at), at);
        long memory = Size(Required(entry.Memory, "memory", at), "memory", at);
        long? driverMemory = entry.DriverMemory is null ? null : Size(entry.DriverMemory, "driverMemory", at);
        if (driverMemory is not null && kind != DeviceKind.Gpu)
            throw at.Error("driverMemory", "only a gpu has a driver-reported total");
        if (driverMemory > memory)
            throw at.Error("driverMemory", $"{entry.DriverMemory} is more than memory {entry.Memory}");
        long usable;
        string note;
        if (entry.Usable is null)
        {
            if (entry.UsableNote is not null)
                throw at.Error("usableNote", "given without \"usable\"; the rule for the kind writes its own note");
            usable = UsableMemory.Default(kind, memory, driverMemory);
            note = UsableMemory.DefaultNote(kind, memory, driverMemory);
        }
        else
        {
            usable = Size(entry.Usable, "usable", at);
            note = Required(entry.UsableNote, "usableNote", at, "say why usable memory is what it is");
        }
        if (usable > memory)
            throw at.Error("usable", $"{entry.Usable ?? ByteSize.FormatGiB(usable)} is more than memory {entry.Memory}");
        if (usable <= 0)
            throw at.Error("usable", $"nothing is left for a model ({usable} bytes)");

        var aliases = (entry.Aliases ?? []).Select(a => string.IsNullOrWhiteSpace(a) ? throw at.Error("aliases", "an alias is empty") : a.Trim()).ToList();
        return new DeviceSpec(
            id,
            Required(entry.Name, "name", at),
            kind,
            Required(entry.Vendor, "vendor", at),
            aliases,
            memory,
            usable,
            note,
            Rate(Required(entry.Bandwidth, "bandwidth", at), "bandwidth", at),
            Compute(Required(entry.Fp16, "fp16", at), "fp16", at),
            entry.Fp8 is null ? null : Compute(entry.Fp8, "fp8", at),
            entry.Int8 is null ? null : Compute(entry.Int8, "int8", at),
            Required(entry.Interconnect, "interconnect", at),
            entry.HostLink is null ? null : Rate(entry.HostLink, "hostLink", at),
            entry.PeerLink is null ? null : Rate(entry.PeerLink, "peerLink", at),
            Required(entry.Source, "source", at))
        {
            MemoryType = string.IsNullOrWhiteSpace(entry.MemoryType) ? null : entry.MemoryType.Trim(),
        };
    }

    private static StorageClass Storage(StorageEntry? entry, Where at) =>
        entry is null
            ? throw at.Error("entry", "expected an object, found null")
            : new StorageClass(Id(entry.Id, at), Required(entry.Name, "name", at),
                Rate(Required(entry.Read, "read", at), "read", at), Required(entry.Source, "source", at));

    private static string Id(string? id, Where at)
    {
        string value = Required(id, "id", at);
        return IdPattern().IsMatch(value) ? value : throw at.Error("id", $"expected lower-case letters, digits, '.' and '-' (like rtx-4090), found '{value}'");
    }

    private static string Required(string? value, string field, Where at, string? hint = null) =>
        string.IsNullOrWhiteSpace(value) ? throw at.Error(field, "is missing" + (hint is null ? "" : $" ({hint})")) : value.Trim();

    private static DeviceKind Kind(string text, Where at) => text.ToLowerInvariant() switch
    {
        "gpu" => DeviceKind.Gpu,
        "unified" => DeviceKind.UnifiedMemory,
        "cpu" => DeviceKind.Cpu,
        _ => throw at.Error("kind", $"expected gpu, unified or cpu, found '{text}'"),
    };

    private static long Size(string text, string field, Where at) =>
        ByteSize.TryParse(text, out long bytes) && bytes > 0
            ? bytes
            : throw at.Error(field, $"expected a positive size such as 24GiB or 80GB, found '{text}'");

    private static double Rate(string text, string field, Where at) =>
        Bandwidth.TryParse(text, out double rate) && rate > 0
            ? rate
            : throw at.Error(field, $"expected a positive rate in bytes per second such as 1008GB/s or 3.35TB/s, found '{text}'");

    private static double Compute(string text, string field, Where at) =>
        ComputeRate.TryParse(text, out double rate) && rate > 0
            ? rate
            : throw at.Error(field, $"expected a positive throughput such as 165.2TF or 660TOPS, found '{text}'");

    private static void RejectDuplicates(string sourceName, string list, IEnumerable<string> ids)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string id in ids)
            if (!seen.Add(id))
                throw new InputException(sourceName, list, $"id '{id}' appears more than once");
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]*$")]
    private static partial Regex IdPattern();

    /// <summary>The entry being read, for error messages: <c>devices.json: devices[3] (rtx-4090) field 'bandwidth': …</c>.</summary>
    private readonly record struct Where(string Source, string List, int Index, string? Id)
    {
        public InputException Error(string field, string problem) =>
            new(Source, $"{List}[{Index}]{(string.IsNullOrWhiteSpace(Id) ? "" : $" ({Id})")} field '{field}'", problem);
    }
}
