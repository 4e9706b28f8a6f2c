using System.Text;
using LlmSizer.Errors;
using LlmSizer.Formats.Gguf;
using LlmSizer.Formats.HuggingFace;
using LlmSizer.Formats.Local;
using LlmSizer.Formats.Safetensors;
using LlmSizer.Models;
using LlmSizer.Units;

namespace LlmSizer.Formats;

/// <summary>
/// Any model a user can name, opened: a catalog id, a bare size, a config.json, a folder, a <c>.safetensors</c> file or
/// index, a <c>.gguf</c> file, <c>hf:ORG/NAME[@REVISION][:QUANT]</c> or <c>ollama:NAME[:TAG]</c>.
/// <c>ModelSource.Open(x).Parameters.Total</c> is the parameter count: exact from the tensors when weights were read.
/// </summary>
/// <param name="Model">Name, origin, architecture and notes.</param>
/// <param name="Inventory">Every tensor, when a weights file was read.</param>
/// <param name="Parameters">Total and active parameters with their breakdown.</param>
/// <param name="Files">The files read: GGUF parts, safetensors shards, or config.json.</param>
/// <param name="Mismatches">Where the architecture and the tensors disagree (e.g. tied embeddings but an output tensor).</param>
public sealed record ModelSource(
    ResolvedModel Model,
    TensorInventory? Inventory,
    ModelParameters Parameters,
    IReadOnlyList<SourceFile> Files,
    IReadOnlyList<string> Mismatches)
{
    public static ModelSource Open(string input, ModelSourceOptions? options = null)
    {
        string text = input.Trim();
        if (text.Length == 0)
            throw new UsageException("MODEL is empty: expected a catalog id (see 'llmsizer models'), a size such as 7b, a path, hf:ORG/NAME or ollama:NAME");
        if (HubRepoId.IsHubReference(text))
            return FromHub(text, options ?? new());
        if (text.StartsWith("ollama:", StringComparison.OrdinalIgnoreCase))
            return FromOllama(text[7..], options ?? new());
        if (File.Exists(text) || Directory.Exists(text))
            return FromPath(text);
        if (LooksLikePath(text))
            throw new InputException(text, "file", "expected a config.json, .gguf, .safetensors or model folder, found nothing at this path");
        return FromCatalogOrSize(text, "a path, hf:ORG/NAME or ollama:NAME");
    }

    /// <summary>
    /// A catalog id or a bare size only — never a file, folder, Hub repo or Ollama store — for front ends that must not let a
    /// request name the file system (the web API). <paramref name="otherForms"/> ends the "expected …" list of the error.
    /// </summary>
    public static ModelSource FromCatalogOrSize(string text, string otherForms)
    {
        if (ModelCatalog.Find(text) is { } entry)
            return FromSpec(new ResolvedModel(entry.Id, entry.Name, ModelOrigin.Catalog, entry.Spec, entry.Note is { } n ? [n] : [], entry));
        if (BareSize.TryParse(text, out var size))
            return FromSpec(BareSizeModel.Resolve(size));

        var suggestions = ModelCatalog.Suggest(text);
        throw new UsageException(
            $"unknown model '{Excerpt.Shorten(text)}': expected a catalog id, a size such as 7b or 8x7b, {otherForms}"
            + (suggestions.Count > 0 ? $"; did you mean {string.Join(", ", suggestions)}?" : "; 'llmsizer models' lists the catalog"),
            suggestions);
    }

    /// <summary>Whether <paramref name="text"/> has the shape of a path, whether or not anything is there.</summary>
    internal static bool LooksLikePath(string text) =>
        text.Contains('/') || text.Contains('\\')
        || text.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
        || text.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase)
        || text.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);

    private static ModelSource FromSpec(ResolvedModel model) =>
        new(model, null, ModelParameters.FromSpec(model.Spec!), [], []);

    private static ModelSource FromPath(string path)
    {
        if (path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
            return FromGguf(GgufModel.Open(path), path, Path.GetFileName(path), ModelOrigin.GgufFile, []);
        if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".safetensors.index.json", StringComparison.OrdinalIgnoreCase))
            return FromSafetensors(SafetensorsModel.Open(path), path, Path.GetFileName(path), ModelOrigin.SafetensorsFile, []);
        if (File.Exists(path))
            return FromConfig(HuggingFaceConfigReader.ReadFile(path), path, path, ModelOrigin.ConfigFile, new SourceFile(path, "config.json", 0), []);

        string name = Path.GetFileName(Path.GetFullPath(path).TrimEnd('/', '\\'));
        var files = Directory.GetFiles(path);
        if (files.Any(f => f.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)))
            return FromSafetensors(SafetensorsModel.Open(path), path, name, ModelOrigin.SafetensorsFile, []);
        var ggufs = files.Where(f => f.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();
        var firstParts = ggufs.Where(f => GgufSplit.IsFirstPart(Path.GetFileName(f))).ToList();
        if (firstParts.Count == 1)
            return FromGguf(GgufModel.Open(firstParts[0]), path, name, ModelOrigin.GgufFile, []);
        if (firstParts.Count > 1)
            throw new UsageException($"{path} holds {firstParts.Count} GGUF models ({string.Join(", ", firstParts.Select(Path.GetFileName))}): name one file");
        return FromConfig(HuggingFaceConfigReader.ReadFile(path), path, name, ModelOrigin.ConfigFile, new SourceFile(path, "config.json", 0), []);
    }

    internal static ModelSource FromConfig(HuggingFaceConfig config, string id, string name, ModelOrigin origin, SourceFile file, IReadOnlyList<string> extraNotes) =>
        new(new ResolvedModel(id, name, origin, config.Spec, [.. extraNotes, .. config.Notes], CheckpointDtype: config.CheckpointDtype),
            null, ModelParameters.FromSpec(config.Spec), [file], []);

    /// <summary>
    /// A config.json read beside weights: its architecture when it reads cleanly, else null and a note, since the
    /// tensors still count without it.
    /// </summary>
    internal static HuggingFaceConfig? ConfigBesideWeights(ReadOnlySpan<byte> json, string sourceName, List<string> notes)
    {
        try
        {
            return HuggingFaceConfigReader.Parse(json, sourceName);
        }
        catch (InputException e)
        {
            notes.Add($"config.json not used: {e.Message}");
            return null;
        }
    }

    internal static ModelSource FromGguf(GgufModel gguf, string id, string name, ModelOrigin origin, IReadOnlyList<string> extraNotes)
    {
        string display = gguf.Metadata.String("general.name") is { Length: > 0 } general ? $"{general} ({name})" : name;
        var model = new ResolvedModel(id, display, origin, gguf.Spec, [.. extraNotes, .. gguf.Notes]);
        var files = gguf.Files.Select(f => new SourceFile(f.Name, "gguf", f.Length)).ToList();
        return WithInventory(model, gguf.Inventory, files);
    }

    internal static ModelSource FromSafetensors(SafetensorsModel st, string id, string name, ModelOrigin origin, IReadOnlyList<string> extraNotes)
    {
        var notes = new List<string>(extraNotes);
        if (st.Config is { } config)
            notes.AddRange(config.Notes);
        else
            notes.Add("no readable config.json beside the weights: parameters come from the tensors, the architecture is unknown");
        var model = new ResolvedModel(id, name, origin, st.Config?.Spec, [.. notes, .. st.Notes], CheckpointDtype: st.Config?.CheckpointDtype);
        var files = st.Files.Select(f => new SourceFile(f.Name, "safetensors", f.Length)).ToList();
        return WithInventory(model, st.Inventory, files);
    }

    private static ModelSource WithInventory(ResolvedModel model, TensorInventory inventory, IReadOnlyList<SourceFile> files)
    {
        var mismatches = model.Spec is { } spec ? InventoryCheck.Compare(inventory, spec) : [];
        return new ModelSource(model, inventory, ModelParameters.FromInventory(inventory, model.Spec), files, mismatches);
    }

    private static ModelSource FromOllama(string reference, ModelSourceOptions options)
    {
        var locations = options.Locations ?? LocalModelLocations.FromEnvironment();
        string modelsDir = locations.OllamaModels ?? throw new UsageException("ollama: no Ollama models folder is known (set OLLAMA_MODELS)");
        string blob = OllamaStore.Resolve(modelsDir, reference);
        return FromGguf(GgufModel.Open(blob), "ollama:" + reference, reference, ModelOrigin.Ollama, [$"Ollama blob {blob}"]);
    }

    /// <summary>Reads a Hub repo: its config.json whole, and only the headers of its safetensors shards or one GGUF file.</summary>
    private static ModelSource FromHub(string text, ModelSourceOptions options)
    {
        var (id, quant) = HubReference.Parse(text);
        using var client = new HubClient(options.Hub ?? HubOptions.FromEnvironment(), options.HubProgress);
        var snapshot = client.Open(id);
        var notes = new List<string>(snapshot.Notes) { $"{id.Repo} at commit {snapshot.Sha}" + (snapshot.FromCache ? " (from the cache)" : "") };

        HuggingFaceConfig? config = null;
        byte[]? configBytes = null;
        if (snapshot.Has("config.json"))
        {
            configBytes = snapshot.ReadSmallFile("config.json", HuggingFaceConfigReader.MaxConfigBytes);
            config = HasWeights(snapshot)
                ? ConfigBesideWeights(configBytes, $"{id}/config.json", notes)
                : HuggingFaceConfigReader.Parse(configBytes, $"{id}/config.json");
        }

        var safetensors = snapshot.Files.Where(f => f.Path.EndsWith(".safetensors", StringComparison.Ordinal) && !f.Path.Contains('/')).ToList();
        if (safetensors.Count > 0)
        {
            var quantization = configBytes is null ? null : QuantizationConfigReader.Parse(configBytes, "config.json", notes);
            string first = snapshot.Has(SafetensorsModel.IndexFileName) ? SafetensorsModel.IndexFileName : safetensors[0].Path;
            if (first != SafetensorsModel.IndexFileName && safetensors.Count > 1)
                throw new InputException(id.ToString(), "files", $"expected {SafetensorsModel.IndexFileName} beside {safetensors.Count} safetensors files, found none");
            snapshot.Prefetch(safetensors.Select(f => f.Path));
            using var source = snapshot.OpenFile(first);
            var st = SafetensorsModel.Read(source, snapshot.OpenFile, quantization) with { Config = config };
            return FromSafetensors(st, id.ToString(), id.Repo, ModelOrigin.HuggingFaceHub, notes);
        }

        var ggufs = snapshot.Files.Select(f => f.Path).Where(p => p.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase)).ToList();
        if (ggufs.Count > 0)
        {
            string file = HubReference.ChooseGguf(id, ggufs, quant);
            using var source = snapshot.OpenFile(file);
            string folder = file.Contains('/') ? file[..(file.LastIndexOf('/') + 1)] : "";
            var gguf = GgufModel.Open(source, sibling => snapshot.OpenFile(folder + sibling));
            return FromGguf(gguf, id + (quant is null ? "" : ":" + quant), $"{id.Repo}/{file}", ModelOrigin.HuggingFaceHub, notes);
        }

        if (config is not null)
            return FromConfig(config, id.ToString(), id.Repo, ModelOrigin.HuggingFaceHub, new SourceFile($"{id}/config.json", "config.json", configBytes!.Length), notes);
        throw new InputException(id.ToString(), "files", "expected config.json, safetensors or GGUF files in the repo, found none");
    }

    private static bool HasWeights(HubSnapshot snapshot) =>
        snapshot.Files.Any(f => f.Path.EndsWith(".safetensors", StringComparison.Ordinal) || f.Path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase));
}

/// <summary>A file a model was read from, with its full size in bytes.</summary>
public sealed record SourceFile(string Name, string Format, long Bytes);
