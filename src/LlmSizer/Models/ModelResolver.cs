using LlmSizer.Errors;
using LlmSizer.Formats.HuggingFace;
using LlmSizer.Units;

namespace LlmSizer.Models;

/// <summary>
/// Resolves the MODEL argument: a path to a config.json (or a folder holding one), a catalog id, or a bare size.
/// Unknown names are a <see cref="UsageException"/> with close matches; bad files an <see cref="InputException"/>.
/// </summary>
public static class ModelResolver
{
    public static ResolvedModel Resolve(string input)
    {
        string text = input.Trim();
        if (text.Length == 0)
            throw new UsageException("MODEL is empty: expected a catalog id (see 'llmsizer models'), a size such as 7b, or a path to a config.json");

        if (File.Exists(text) || Directory.Exists(text) || LooksLikePath(text))
            return FromConfig(text);

        if (ModelCatalog.Find(text) is { } entry)
            return new ResolvedModel(entry.Id, entry.Name, ModelOrigin.Catalog, entry.Spec, CatalogNotes(entry), entry);

        if (BareSize.TryParse(text, out var size))
            return FromSize(size);

        var suggestions = ModelCatalog.Suggest(text);
        throw new UsageException(
            $"unknown model '{text}': expected a catalog id, a size such as 7b or 8x7b, or a path to a config.json"
            + (suggestions.Count > 0 ? $"; did you mean {string.Join(", ", suggestions)}?" : "; 'llmsizer models' lists the catalog"),
            suggestions);
    }

    private static bool LooksLikePath(string text) =>
        text.Contains('/') || text.Contains('\\') || text.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    private static ResolvedModel FromConfig(string path)
    {
        var config = HuggingFaceConfigReader.ReadFile(path);
        string name = Directory.Exists(path) ? Path.GetFileName(Path.GetFullPath(path).TrimEnd('/', '\\')) : path;
        return new ResolvedModel(path, name, ModelOrigin.ConfigFile, config.Spec, config.Notes, CheckpointDtype: config.CheckpointDtype);
    }

    private static ResolvedModel FromSize(BareSize size)
    {
        if (size.Parameters < BareSize.MinParameters || size.Parameters > BareSize.MaxParameters)
            throw new UsageException(
                $"size '{size.Text}' is outside what LlmSizer can represent: expected {CountFormat.Short(BareSize.MinParameters)} to {CountFormat.Short(BareSize.MaxParameters)} parameters");
        if (size.Experts > 256)
            throw new UsageException($"size '{size.Text}': expected at most 256 experts, found {size.Experts}");
        var notes = new List<string>
        {
            $"architecture assumed, not read from a model: {RepresentativeArchitecture.Rule}",
            $"nearest published shape: {RepresentativeArchitecture.NearestAnchor(size.Parameters)}",
        };
        ModelSpec spec;
        if (size.IsMixture)
        {
            spec = RepresentativeArchitecture.Mixture(size.Experts, size.Parameters);
            notes.Add($"mixture of experts as Mixtral builds it: the {CountFormat.Short(size.Parameters)} dense model with its MLP replaced by {size.Experts} experts, {spec.Moe!.ExpertsPerToken} used per token (Mixtral 8x7B totals 46.7B, not 56B, for this reason)");
        }
        else
        {
            spec = RepresentativeArchitecture.Dense(size.Parameters);
        }
        return new ResolvedModel(size.Text, $"{size.Text} (assumed architecture)", ModelOrigin.BareSize, spec, notes);
    }

    private static IReadOnlyList<string> CatalogNotes(CatalogEntry entry)
    {
        var notes = new List<string>();
        if (entry.Note is { } note)
            notes.Add(note);
        return notes;
    }
}
