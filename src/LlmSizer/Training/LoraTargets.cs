using LlmSizer.Errors;

namespace LlmSizer.Training;

/// <summary>
/// The modules LoRA adapts, by short name: <c>q k v o gate up down</c> (the Hugging Face <c>*_proj</c> names work too), <c>kv</c>
/// (MLA's latent key/value projections), <c>router</c>, <c>recurrent</c> (a hybrid model's mixer projections), <c>lm_head</c>,
/// <c>embed</c>; groups <c>attention</c> (q, k, v, o), <c>mlp</c> (gate, up, down) and <c>all-linear</c> (every linear layer of
/// the blocks, routers and routed experts included, not the LM head — as PEFT's <c>all-linear</c>).
/// </summary>
/// <param name="Names">Every adapted module name, groups expanded.</param>
/// <param name="Named">The names given one by one (not through a group): a model lacking one of them is an error.</param>
public sealed record LoraTargets(IReadOnlySet<string> Names, IReadOnlySet<string> Named)
{
    private static readonly string[] Known = ["q", "k", "v", "o", "kv", "gate", "up", "down", "router", "recurrent", "lm_head", "embed"];

    /// <summary>PEFT's defaults for Llama-family models: the query and value projections.</summary>
    public static LoraTargets Default { get; } = Parse("q,v");

    public static LoraTargets Parse(string text)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        var named = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string raw in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string name = raw.ToLowerInvariant().Replace('-', '_');
            if (name.EndsWith("_proj", StringComparison.Ordinal))
                name = name[..^5];
            switch (name)
            {
                case "all_linear":
                    names.UnionWith(["q", "k", "v", "o", "kv", "gate", "up", "down", "router", "recurrent"]);
                    break;
                case "attention" or "attn":
                    names.UnionWith(["q", "k", "v", "o"]);
                    break;
                case "mlp" or "ffn":
                    names.UnionWith(["gate", "up", "down"]);
                    break;
                default:
                    name = name switch
                    {
                        "output" or "lmhead" => "lm_head",
                        "embed_tokens" or "embedding" or "embeddings" => "embed",
                        _ => name,
                    };
                    if (Array.IndexOf(Known, name) < 0)
                        throw new UsageException($"--lora-targets: unknown module '{raw}'; expected some of {string.Join(", ", Known)}, or attention, mlp, all-linear");
                    names.Add(name);
                    named.Add(name);
                    break;
            }
        }
        if (names.Count == 0)
            throw new UsageException("--lora-targets: name at least one module, e.g. q,v or all-linear");
        return new LoraTargets(names, named);
    }

    /// <summary>Whether LoRA adapts <paramref name="tensor"/>.</summary>
    public bool Adapts(TrainingTensor tensor) => Adapts(Names, tensor);

    private static bool Adapts(IReadOnlySet<string> names, TrainingTensor tensor) => tensor.IsMatrix && tensor.Kind switch
    {
        TensorKind.Query => names.Contains("q"),
        TensorKind.Key => names.Contains("k"),
        TensorKind.Value => names.Contains("v"),
        TensorKind.QueryKeyValue => names.Contains("q") || names.Contains("k") || names.Contains("v"),
        TensorKind.LatentKeyValue => names.Contains("kv") || names.Contains("k") || names.Contains("v"),
        TensorKind.AttentionOutput => names.Contains("o"),
        TensorKind.Gate => names.Contains("gate"),
        TensorKind.Up => names.Contains("up"),
        TensorKind.GateUp => names.Contains("gate") || names.Contains("up"),
        TensorKind.Down => names.Contains("down"),
        TensorKind.Router => names.Contains("router"),
        TensorKind.Recurrent => names.Contains("recurrent"),
        TensorKind.Output => names.Contains("lm_head"),
        TensorKind.TokenEmbedding => names.Contains("embed"),
        _ => false,
    };

    /// <summary>
    /// Adapter parameters LoRA of rank <paramref name="rank"/> adds to <paramref name="tensor"/>: A (r × in) and B (out × r) per
    /// matrix, r·(in + out), for each stacked expert.
    /// </summary>
    public static long AdapterParameters(TrainingTensor tensor, int rank) => checked(tensor.Stack * rank * (tensor.In + tensor.Out));

    /// <summary>
    /// Fails when the model lacks a module named one by one (<c>gate</c> on GPT-2), so a typo or a wrong family is not silently
    /// ignored; a group (<c>all-linear</c>) takes what the model has. Also fails when nothing at all would be adapted.
    /// </summary>
    public void CheckPresentIn(IReadOnlyList<TrainingTensor> tensors, string architecture)
    {
        var missing = Named.Where(n => !tensors.Any(t => Adapts(new HashSet<string> { n }, t))).ToList();
        if (missing.Count > 0)
            throw new UsageException($"--lora-targets: {architecture} has no {string.Join(", ", missing)} module{(missing.Count > 1 ? "s" : "")}");
        if (!tensors.Any(Adapts))
            throw new UsageException($"--lora-targets: {architecture} has none of {string.Join(", ", Names)}");
    }

    public override string ToString() => string.Join(",", Names);
}
