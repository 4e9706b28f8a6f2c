namespace LlmSizer.Models;

/// <summary>Where a model's architecture came from.</summary>
public enum ModelOrigin
{
    /// <summary>The embedded catalog.</summary>
    Catalog,
    /// <summary>A bare size such as "7b": the architecture is assumed.</summary>
    BareSize,
    /// <summary>A Hugging Face config.json on disk.</summary>
    ConfigFile,
    /// <summary>A GGUF file (or split set) on disk.</summary>
    GgufFile,
    /// <summary>safetensors weights on disk (a file, an index or a folder).</summary>
    SafetensorsFile,
    /// <summary>A Hugging Face Hub repo, read through its config and weight-file headers.</summary>
    HuggingFaceHub,
    /// <summary>A model in Ollama's store.</summary>
    Ollama,
    /// <summary>Files dropped on the web page, read from the first bytes the browser sent (JSON "upload").</summary>
    Upload,
}

/// <summary>A model the user named, resolved to an architecture, with what was assumed on the way.</summary>
/// <param name="Id">Catalog id, the size as typed, the file path or the Hub/Ollama reference.</param>
/// <param name="Name">Human-readable name.</param>
/// <param name="Origin">Catalog, bare size, file, Hub or Ollama.</param>
/// <param name="Spec">The architecture; null when a weights file's architecture is not one LlmSizer maps (its tensors still count).</param>
/// <param name="Notes">Assumptions and omissions the user should know about.</param>
/// <param name="CatalogEntry">The catalog entry, when the model came from the catalog.</param>
/// <param name="CheckpointDtype">The dtype a config.json names (<c>torch_dtype</c>), if any.</param>
public sealed record ResolvedModel(
    string Id,
    string Name,
    ModelOrigin Origin,
    ModelSpec? Spec,
    IReadOnlyList<string> Notes,
    CatalogEntry? CatalogEntry = null,
    string? CheckpointDtype = null);
