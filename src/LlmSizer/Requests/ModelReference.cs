using LlmSizer.Formats;
using LlmSizer.Formats.HuggingFace;

namespace LlmSizer.Requests;

/// <summary>What kind of model a MODEL text names, for front ends that must refuse some kinds (a web server reads no paths).</summary>
public static class ModelReference
{
    /// <summary>
    /// Whether <see cref="ModelSource.Open"/> would read <paramref name="text"/> from this machine's disk: a path (it contains
    /// <c>/</c> or <c>\</c>, or ends in <c>.json</c>, <c>.gguf</c> or <c>.safetensors</c>), anything that exists on disk, or an
    /// <c>ollama:</c> blob. Hub ids (<c>hf:ORG/NAME</c>), catalog ids and sizes are not.
    /// </summary>
    public static bool IsPathLike(string text)
    {
        string t = text.Trim();
        if (t.Length == 0 || IsHub(t))
            return false;
        return t.StartsWith("ollama:", StringComparison.OrdinalIgnoreCase)
            || File.Exists(t) || Directory.Exists(t)
            || ModelSource.LooksLikePath(t);
    }

    /// <summary>Whether <paramref name="text"/> names a Hugging Face Hub repo (<c>hf:ORG/NAME</c>), which is read over the network.</summary>
    public static bool IsHub(string text) => HubRepoId.IsHubReference(text.Trim());
}
