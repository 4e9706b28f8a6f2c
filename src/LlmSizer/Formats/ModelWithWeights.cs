using LlmSizer.Errors;
using LlmSizer.Formats.HuggingFace;
using LlmSizer.Precision;

namespace LlmSizer.Formats;

/// <summary>
/// A <c>MODEL[:WEIGHTS]</c> argument (<c>13b:int8</c>, <c>llama-3.1-8b:q4_k_m</c>) split into the model and the weights type.
/// Catalog ids and bare sizes have no colon, so the text after the last <c>:</c> is a weights type when it names one; an
/// existing path is a model whole; <c>ollama:NAME:TAG</c> keeps its tag; <c>hf:ORG/NAME:QUANT</c> keeps its quant tag (it picks
/// the repo's GGUF file) and also offers it as <see cref="Weights"/> for repos without GGUF files.
/// </summary>
/// <param name="Model">What to open with <see cref="ModelSource.Open"/>.</param>
/// <param name="Weights">The weights type named after the colon; null when none.</param>
public sealed record ModelWithWeights(string Model, string? Weights)
{
    /// <summary>Splits <paramref name="text"/>; <paramref name="exists"/> tells whether a path exists (default: the file system).</summary>
    public static ModelWithWeights Parse(string text, Func<string, bool>? exists = null)
    {
        string t = text.Trim();
        exists ??= p => File.Exists(p) || Directory.Exists(p);
        int colon = t.LastIndexOf(':');
        if (colon < 0 || exists(t) || t.StartsWith("ollama:", StringComparison.OrdinalIgnoreCase))
            return new ModelWithWeights(t, null);
        string model = t[..colon].Trim(), weights = t[(colon + 1)..].Trim();
        if (HubRepoId.IsHubReference(t))
            return new ModelWithWeights(t, colon > 2 && IsWeightsType(weights) ? weights : null);
        if (model.Length == 0 || weights.Length == 0)
            throw new UsageException($"'{t}': expected MODEL or MODEL:WEIGHTS, such as 13b:int8 or llama-3.1-8b:Q4_K_M");
        if (IsWeightsType(weights))
            return new ModelWithWeights(model, weights);
        // A catalog id or size has no colon and no slash, nor has a weights type: then what follows the colon was meant as one.
        if (!t.Contains('/') && !t.Contains('\\') && !model.Contains(':'))
        {
            var suggestions = WeightsPrediction.Suggest(weights);
            throw new UsageException(
                $"'{t}': unknown weights type '{weights}'" + (suggestions.Count > 0 ? $"; did you mean {string.Join(", ", suggestions)}?" : "; see --weights for the known types"),
                suggestions);
        }
        return new ModelWithWeights(t, null);
    }

    private static bool IsWeightsType(string name)
    {
        try
        {
            WeightsPrediction.Resolve(name);
            return true;
        }
        catch (UsageException)
        {
            return false;
        }
    }
}
