using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Formats.HuggingFace;
using LlmSizer.Web.Hosting;

namespace LlmSizer.Web.Api;

/// <summary>
/// The <c>model</c> parameter of every endpoint: a catalog id, a bare size, an <c>upload:</c> id from <c>POST /api/uploads</c>,
/// or (only on a server started with <c>--hub</c>) <c>hf:ORG/NAME</c>. Paths, folders and Ollama stores are never read: a
/// request must not make the server open files.
/// </summary>
internal sealed class ModelResolver(UploadStore uploads, bool hubEnabled)
{
    /// <summary>Catalog ids and bare sizes resolve to the same model every time; the first few thousand are kept.</summary>
    private const int MaxNamed = 4096;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ModelSource> named = new(StringComparer.OrdinalIgnoreCase);

    public ModelSource Resolve(string? model)
    {
        string text = model?.Trim() ?? "";
        if (text.Length == 0)
            throw new UsageException("model: required: a catalog id such as llama-3.1-8b (GET /api/models), a size such as 7b, or an upload id");
        if (text.StartsWith(UploadStore.IdPrefix, StringComparison.OrdinalIgnoreCase))
            return uploads.Find(text) ?? throw new ApiProblemException(ApiProblem.Of(404,
                $"model '{text}': no such upload on this server (uploads last while it runs, {UploadStore.Capacity} at most); drop the file again", "model"));
        if (HubRepoId.IsHubReference(text))
            return hubEnabled
                ? ModelSource.Open(text, new ModelSourceOptions { Hub = HubOptions.FromEnvironment() })
                : throw new UsageException($"model '{text}': Hugging Face Hub look-ups are off on this server; start it with 'llmsizer serve --hub' to allow them");
        if (named.TryGetValue(text, out var known))
            return known;
        var source = ModelSource.FromCatalogOrSize(text, "or an upload id (the web API reads no paths: drop the file on the page instead)");
        if (named.Count < MaxNamed)
            named.TryAdd(text, source);
        return source;
    }
}
