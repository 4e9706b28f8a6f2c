using System.Globalization;
using System.Text.RegularExpressions;
using LlmSizer.Models;

namespace LlmSizer.Formats;

/// <summary>
/// Compares what a weights file stores (a <see cref="TensorInventory"/>, from GGUF or safetensors) with what an
/// architecture implies (a <see cref="ModelSpec"/>, from config.json or the catalog), and says where they differ:
/// parameter totals, tied or untied LM head, layer count, and each breakdown category. Works from tensor names,
/// parameters and categories only, so both formats share it. It reports; it never corrects either side.
/// </summary>
public static partial class InventoryCheck
{
    /// <summary>
    /// Every mismatch, one sentence each, with both numbers and the difference (file minus config); empty when the file
    /// and the spec agree. DeepSeek-style multi-token-prediction layers count when the file stores them.
    /// </summary>
    public static IReadOnlyList<string> Compare(TensorInventory inventory, ModelSpec spec)
    {
        var count = ParameterCounter.Count(spec);
        var mismatches = new List<string>();

        var layers = LayerNumbers(inventory);
        int fileLayers = layers.Count == 0 ? 0 : layers[^1] + 1;
        // A checkpoint may carry the MTP layers after the main ones (DeepSeek-V3's layer 61); then they are expected too.
        bool withMtp = spec.MultiTokenPredictionLayers > 0 && fileLayers == spec.Layers + spec.MultiTokenPredictionLayers;
        int expectedLayers = spec.Layers + (withMtp ? spec.MultiTokenPredictionLayers : 0);
        if (layers.Count == 0)
            mismatches.Add($"layers: no tensor name carries a layer number (layers.N., blk.N. or h.N.); the config says {spec.Layers}");
        else
        {
            if (fileLayers != expectedLayers)
                mismatches.Add($"layers: the tensor names number layers 0–{fileLayers - 1} ({fileLayers} layer{(fileLayers == 1 ? "" : "s")}); the config says {spec.Layers}"
                    + (spec.MultiTokenPredictionLayers > 0 ? $" plus {spec.MultiTokenPredictionLayers} multi-token-prediction" : ""));
            var present = layers.ToHashSet();
            var missing = Enumerable.Range(0, fileLayers).Where(i => !present.Contains(i)).ToList();
            if (missing.Count > 0)
                mismatches.Add($"layers: no tensor belongs to layer{(missing.Count == 1 ? "" : "s")} {string.Join(", ", missing.Take(10))}"
                    + (missing.Count > 10 ? $" and {missing.Count - 10} more" : ""));
        }

        var expected = withMtp
            ? ParameterBreakdown.Sum(count.Components.Concat(count.ReportedApart), active: false)
            : count.Breakdown;
        var actual = inventory.Breakdown;
        if (actual.Total != expected.Total)
            mismatches.Add($"parameters: the tensors hold {N(actual.Total)}, the config implies {N(expected.Total)} (difference {Diff(actual.Total - expected.Total)})");

        var heads = inventory.Tensors.Where(IsHeadWeight).ToList();
        if (spec.TiedEmbeddings && heads.Count > 0)
            mismatches.Add($"tied embeddings: the config ties the LM head to the token embedding, but the file stores '{heads[0].Name}' ({N(heads.Sum(t => t.Parameters))} parameters)");
        else if (!spec.TiedEmbeddings && heads.Count == 0)
            mismatches.Add("untied embeddings: the config has a separate LM head, but the file stores no LM head weight (lm_head.weight or output.weight)");

        foreach (var category in Enum.GetValues<ParameterCategory>())
            if (actual[category] != expected[category])
                mismatches.Add($"{Label(category)}: the tensors hold {N(actual[category])}, the config implies {N(expected[category])} (difference {Diff(actual[category] - expected[category])})");
        return mismatches;
    }

    /// <summary>
    /// The distinct layer numbers tensor names carry, ascending: Hugging Face <c>layers.N.</c>, GGUF <c>blk.N.</c>,
    /// GPT-2/BLOOM/Falcon <c>h.N.</c>.
    /// </summary>
    public static IReadOnlyList<int> LayerNumbers(TensorInventory inventory)
    {
        var layers = new SortedSet<int>();
        foreach (var t in inventory.Tensors)
        {
            var m = LayerPattern().Match(t.Name);
            // Numbers past any real depth come from odd names, not layers.
            if (m.Success && int.TryParse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n < 100_000)
                layers.Add(n);
        }
        return [.. layers];
    }

    /// <summary>A stored output projection: an LM-head weight with parameters (its bias does not make the head untied).</summary>
    private static bool IsHeadWeight(TensorInfo t) =>
        t.Category == ParameterCategory.LmHead && t.Role == TensorRole.Weight && t.Parameters > 0
        && !t.Name.EndsWith("bias", StringComparison.OrdinalIgnoreCase);

    private static string Label(ParameterCategory category) => category switch
    {
        ParameterCategory.LmHead => "lmHead",
        _ => category.ToString().ToLowerInvariant(),
    };

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Diff(long value) => value.ToString("+#,0;-#,0;0", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"(?:^|\.)(?:layers|blk|h)\.(\d{1,9})\.", RegexOptions.CultureInvariant)]
    private static partial Regex LayerPattern();
}
