using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Formats.Local;

namespace LlmSizer.Reports;

/// <summary>What <c>llmsizer scan</c> lists: the models on this machine with parameters, quant mix and size on disk.</summary>
/// <param name="Searched">The folders looked in.</param>
/// <param name="Problems">Files or folders that could not be read, one line each; the scan goes on past them.</param>
public sealed record ScanReport(IReadOnlyList<string> Searched, IReadOnlyList<ScanItem> Models, IReadOnlyList<string> Problems)
{
    /// <summary>Scans <paramref name="folders"/> when any are given, else the default stores; then reads each model's headers.</summary>
    public static ScanReport Build(LocalModelLocations locations, IReadOnlyList<string> folders)
    {
        var problems = new List<string>();
        var stores = folders.Count > 0 ? new LocalModelLocations() : locations;
        var found = LocalModelScanner.Discover(stores, folders, problems);
        var searched = folders.Count > 0 ? folders
            : new[] { stores.OllamaModels }.Concat(stores.LmStudio).Append(stores.HuggingFaceCache).OfType<string>().ToList();
        var items = found.Select(m => Read(m, problems)).ToList();
        return new ScanReport(searched, items, problems);
    }

    private static ScanItem Read(LocalModel m, List<string> problems)
    {
        try
        {
            var source = ModelSource.Open(m.Path);
            var mix = source.Inventory is { } inv ? QuantMixItem.From(inv) : [];
            return new ScanItem(m.Name, InspectReport.Camel(m.Store.ToString()), m.Format, m.Path, m.SizeOnDiskBytes,
                source.Parameters.Total, source.Model.Spec?.Architecture, mix, null);
        }
        catch (Exception e) when (e is InputException or UsageException or IOException or UnauthorizedAccessException)
        {
            problems.Add(e.Message);
            return new ScanItem(m.Name, InspectReport.Camel(m.Store.ToString()), m.Format, m.Path, m.SizeOnDiskBytes, null, null, [], e.Message);
        }
    }
}

/// <summary>One model found on disk; <see cref="Parameters"/> is null when its headers could not be read (see <see cref="Error"/>).</summary>
public sealed record ScanItem(
    string Name,
    string Store,
    string Format,
    string Path,
    long SizeOnDiskBytes,
    long? Parameters,
    string? Architecture,
    IReadOnlyList<QuantMixItem> QuantMix,
    string? Error);
