using LlmSizer.Errors;
using LlmSizer.Units;

namespace LlmSizer.Hardware;

/// <summary>
/// The embedded hardware catalog (Hardware/devices.json): GPUs, Apple Silicon and other unified-memory machines, CPUs by
/// memory channels, and storage classes, each with its source. Read and checked once; resolution rules are
/// <see cref="DeviceIndex"/>'s.
/// </summary>
public static class DeviceCatalog
{
    private const string ResourceName = "LlmSizer.Hardware.devices.json";

    private static readonly Lazy<Loaded> Embedded = new(Load);

    public static IReadOnlyList<DeviceSpec> All => Embedded.Value.Index.Devices;

    public static IReadOnlyList<StorageClass> Storage => Embedded.Value.File.Storage;

    /// <summary>Lookup over <see cref="All"/>.</summary>
    public static DeviceIndex Index => Embedded.Value.Index;

    /// <summary><see cref="DeviceIndex.Resolve(string)"/> over the catalog: <c>rtx-4090</c>, <c>h100x8</c>, <c>custom:…</c>.</summary>
    public static DeviceSelection Resolve(string text) => Index.Resolve(text);

    /// <summary><see cref="DeviceIndex.Resolve(string, int)"/> over the catalog (<c>--device h100 --count 8</c>).</summary>
    public static DeviceSelection Resolve(string text, int count) => Index.Resolve(text, count);

    /// <summary>
    /// The storage class <paramref name="text"/> names (<c>nvme4</c>, <c>NVMe 4</c>, <c>nas-10gbe</c>), or a rate of one's own
    /// (<c>800MB/s</c>); unknown or ambiguous names are a <see cref="UsageException"/> with suggestions.
    /// </summary>
    public static StorageClass ResolveStorage(string text)
    {
        string t = text.Trim();
        if (Embedded.Value.Storage.Find(t) is { } storage)
            return storage;
        if (Bandwidth.TryParse(t, out double rate) && rate > 0)
            return new StorageClass("custom", $"{Bandwidth.Format(rate)} (given)", rate, "user-given read rate");
        var candidates = Embedded.Value.Storage.Completions(t);
        if (candidates.Count >= 2)
            throw new UsageException($"storage '{t}' could be any of {candidates.Count}; name one: {string.Join(", ", candidates)}", candidates);
        var suggestions = candidates.Concat(Embedded.Value.Storage.Suggest(t)).Distinct().Take(3).ToList();
        throw new UsageException(
            $"unknown storage '{t}'; " + (suggestions.Count > 0
                ? $"did you mean {string.Join(", ", suggestions)}?"
                : $"known: {string.Join(", ", Storage.Select(s => s.Id))}, or a read rate such as 800MB/s"),
            suggestions);
    }

    /// <summary>Devices and storage classes from a JSON file of the embedded catalog's schema, checked; errors name the file, entry and field.</summary>
    public static DeviceFile LoadFile(string path) => DeviceDocumentReader.Read(File.ReadAllText(path), path);

    /// <summary>The catalog plus the devices of <paramref name="path"/> (a device with a catalog id replaces the catalog's).</summary>
    public static DeviceIndex WithFile(string path) => Index.With(LoadFile(path).Devices);

    private static Loaded Load()
    {
        using var stream = typeof(DeviceCatalog).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing from the build");
        using var reader = new StreamReader(stream);
        var file = DeviceDocumentReader.Read(reader.ReadToEnd(), "devices.json (embedded)");
        var storage = new NameIndex<StorageClass>(file.Storage.Select(s =>
            (s.Id, s, file.StorageAliases.GetValueOrDefault(s.Id, []).Append(s.Name))));
        return new Loaded(file, new DeviceIndex(file.Devices), storage);
    }

    private sealed record Loaded(DeviceFile File, DeviceIndex Index, NameIndex<StorageClass> Storage);
}
