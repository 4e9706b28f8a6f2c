namespace LlmSizer.Models;

/// <summary>
/// Builds a plausible dense (or Mixtral-style MoE) decoder for a bare size such as "7b", so that every later
/// estimate has an architecture to work on. The scaling rule: width and depth are interpolated log-linearly
/// between published shapes (GPT-3 Table 2.1, LLaMA, Llama 3.1 405B); the FFN size is then solved so that the
/// count lands on the size asked, rounded to a multiple of 256 (finer where that would miss by over 0.5%).
/// </summary>
public static class RepresentativeArchitecture
{
    /// <summary>(parameters, hidden size, layers) of published models, smallest first.</summary>
    private static readonly (double Parameters, double Hidden, double Layers, string Model)[] Anchors =
    [
        (125e6, 768, 12, "GPT-3 Small"),
        (350e6, 1024, 24, "GPT-3 Medium"),
        (760e6, 1536, 24, "GPT-3 Large"),
        (1.3e9, 2048, 24, "GPT-3 XL"),
        (2.7e9, 2560, 32, "GPT-3 2.7B"),
        (6.7e9, 4096, 32, "LLaMA 7B"),
        (13e9, 5120, 40, "LLaMA 13B"),
        (32.5e9, 6656, 60, "LLaMA 33B"),
        (65e9, 8192, 80, "LLaMA 65B"),
        (175e9, 12288, 96, "GPT-3 175B"),
        (405e9, 16384, 126, "Llama 3.1 405B"),
    ];

    public const int VocabSize = 32_000;

    public const string Rule =
        "hidden size and depth interpolated log-linearly between published shapes (GPT-3 Table 2.1, LLaMA 7B–65B, Llama 3.1 405B); " +
        "Llama-style blocks (RMSNorm, SwiGLU, rotary, 128-dim heads from 2048 wide, the largest KV-head count up to 8 that divides the heads, 32,000-token untied vocabulary); " +
        "FFN size solved to hit the requested count, rounded to a multiple of 256 (finer for small models)";

    /// <summary>A dense decoder of about <paramref name="parameters"/> parameters (within 1%).</summary>
    public static ModelSpec Dense(long parameters)
    {
        if (parameters < BareSize.MinParameters || parameters > BareSize.MaxParameters)
            throw new ArgumentOutOfRangeException(nameof(parameters), parameters,
                $"expected a size from {BareSize.MinParameters / 1e9:0.#}B to {BareSize.MaxParameters / 1e12:0}T");
        var (hidden, layers) = Shape(parameters);
        int headDim = hidden >= 2048 ? 128 : 64;
        int heads = hidden / headDim;
        int kvHeads = Enumerable.Range(1, Math.Min(8, heads)).Last(k => heads % k == 0);
        var spec = new ModelSpec
        {
            Architecture = "llama",
            VocabSize = VocabSize,
            HiddenSize = hidden,
            Layers = layers,
            AttentionHeads = heads,
            KeyValueHeads = kvHeads,
            FfnSize = 256,
            MaxContextTokens = 8192,
        };
        long withoutMlp = ParameterCounter.Count(spec).Total - (long)layers * 3 * hidden * 256;
        double ffn = (parameters - withoutMlp) / (3.0 * layers * hidden);
        // Round to hardware-friendly multiples, but never so coarsely that the count drifts by more than 0.5%.
        int step = 256;
        while (step > 8 && 3.0 * layers * hidden * step / 2 > parameters * 0.005)
            step /= 2;
        return spec with { FfnSize = Math.Max(step, (long)Math.Round(ffn / step) * step) };
    }

    /// <summary>Mixtral-style: the dense model of <paramref name="expertSize"/> with its MLP replaced by <paramref name="experts"/> experts, 2 used per token.</summary>
    public static ModelSpec Mixture(int experts, long expertSize)
    {
        var dense = Dense(expertSize);
        return dense with
        {
            Architecture = "mixtral",
            Moe = new MoeSpec { RoutedExperts = experts, ExpertsPerToken = Math.Min(2, experts), ExpertFfnSize = dense.FfnSize },
        };
    }

    /// <summary>The published model whose shape is nearest on a log scale, for the explanation.</summary>
    public static string NearestAnchor(long parameters) =>
        Anchors.MinBy(a => Math.Abs(Math.Log(a.Parameters / parameters))).Model;

    private static (int Hidden, int Layers) Shape(long parameters)
    {
        double x = Math.Log(parameters);
        int i = 0;
        while (i < Anchors.Length - 2 && x > Math.Log(Anchors[i + 1].Parameters))
            i++;
        var (a, b) = (Anchors[i], Anchors[i + 1]);
        // Beyond either end the same log-linear line is extended.
        double t = (x - Math.Log(a.Parameters)) / (Math.Log(b.Parameters) - Math.Log(a.Parameters));
        double hidden = Math.Exp(Math.Log(a.Hidden) + t * (Math.Log(b.Hidden) - Math.Log(a.Hidden)));
        double layers = Math.Exp(Math.Log(a.Layers) + t * (Math.Log(b.Layers) - Math.Log(a.Layers)));
        int roundedHidden = Math.Max(512, (int)Math.Round(hidden / 128) * 128);
        return (roundedHidden, Math.Max(4, (int)Math.Round(layers)));
    }
}
