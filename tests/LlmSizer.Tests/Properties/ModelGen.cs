using System.Numerics;
using CsCheck;
using LlmSizer.Formats;
using LlmSizer.Models;

namespace LlmSizer.Tests.Properties;

/// <summary>
/// Random models for the property tests: catalog entries, and random architectures built valid by construction (heads divide
/// the hidden size, key/value heads divide the heads, patterns as long as the layers), each passed through
/// <see cref="ModelSpecValidator"/> so a generator slip fails loudly instead of testing nothing. Sizes stay small enough for
/// hundreds of estimates per second; the large-value properties build their own.
/// </summary>
internal static class ModelGen
{
    /// <summary>Every catalog model.</summary>
    public static readonly Gen<ModelSpec> Catalog = Gen.OneOf(ModelCatalog.Entries.Select(e => e.Spec).ToArray());

    /// <summary>A random dense, GQA/MQA, MLA, sliding-window, MoE or hybrid architecture of modest size.</summary>
    public static readonly Gen<ModelSpec> Random =
        from layers in Gen.Int[1, 24]
        from kvHeads in Gen.OneOf(1, 2, 4, 8)
        from queryPerKv in Gen.Int[1, 8]
        from headDim in Gen.OneOf(32, 64, 128, 256)
        from explicitHeadDim in Gen.Bool
        from hiddenBlocks in Gen.Int[1, 32]
        from vocab in Gen.Long[256, 160_000]
        from ffnBlocks in Gen.Int[1, 64]
        from gated in Gen.Bool
        from tied in Gen.Bool
        from norm in Gen.Enum<NormKind>()
        from qkNorm in Gen.Enum<QkNormKind>()
        from biases in Gen.Bool
        from maxContext in Gen.OneOf(0, 2048, 8192, 131_072)
        from variant in Gen.Int[0, 9]
        from extra in Extras(layers)
        select Build(layers, kvHeads, queryPerKv, headDim, explicitHeadDim, hiddenBlocks, vocab, ffnBlocks, gated, tied, norm, qkNorm, biases,
            maxContext, variant, extra);

    /// <summary>Catalog models and random ones, half each.</summary>
    public static readonly Gen<ModelSpec> Any = Gen.Frequency((1, Catalog), (1, Random));

    /// <summary>
    /// Models from tiny to beyond any real one: every size anywhere in the validator's range, so that parameter counts reach
    /// 10^13 and past (up to where <c>long</c> ends), dense or mixture-of-experts. Parameters of the dense parts have a closed
    /// form (<see cref="ExpectedParameters"/>) to check the counter against.
    /// </summary>
    public static readonly Gen<ModelSpec> Huge =
        from layers in Gen.Frequency((16, Gen.Int[1, 120]), (1, Gen.Int[1, ModelSpecValidator.MaxLayers]))
        from headDim in Gen.OneOf(64, 128, 256)
        from kvHeads in Gen.Int[1, 64]
        from queryPerKv in Gen.OneOf(1, 2, 4, 8)
        from vocab in Gen.Long[1, ModelSpecValidator.MaxVocab]
        from ffn in Gen.Long[1, ModelSpecValidator.MaxFfn]
        from moe in Gen.Frequency((2, Gen.Const((MoeSpec?)null)), (1,
            from experts in Gen.Int[1, ModelSpecValidator.MaxExperts]
            from perToken in Gen.Int[1, 16]
            from expertFfn in Gen.Long[1, ModelSpecValidator.MaxFfn]
            select (MoeSpec?)new MoeSpec { RoutedExperts = experts, ExpertsPerToken = Math.Min(perToken, experts), ExpertFfnSize = expertFfn }))
        from tied in Gen.Bool
        let heads = Math.Min(kvHeads * queryPerKv, ModelSpecValidator.MaxHidden / headDim)
        let kv = heads % kvHeads == 0 ? kvHeads : heads
        select Checked(new ModelSpec
        {
            Architecture = moe is null ? "llama" : "qwen3_moe",
            VocabSize = vocab,
            HiddenSize = heads * headDim,
            Layers = layers,
            AttentionHeads = heads,
            KeyValueHeads = kv,
            FfnSize = ffn,
            TiedEmbeddings = tied,
            Moe = moe,
            MaxContextTokens = 10_000_000,
        });

    /// <summary>
    /// Total and active parameters of a <see cref="Huge"/> model, computed apart from the library in arbitrary precision: token
    /// embedding (and untied head), per layer q, k, v, o, two RMSNorm weights and a gated MLP (three matrices) or, for MoE, the router
    /// and the experts, then the final norm.
    /// </summary>
    public static (BigInteger Total, BigInteger Active) ExpectedParameters(ModelSpec spec)
    {
        BigInteger h = spec.HiddenSize, hd = spec.EffectiveHeadDim, layers = spec.Layers;
        BigInteger attention = h * spec.AttentionHeads * hd * 2 + h * spec.EffectiveKeyValueHeads * hd * 2;
        BigInteger embedding = (BigInteger)spec.VocabSize * h * (spec.TiedEmbeddings ? 1 : 2);
        BigInteger perLayer = attention + 2 * h, activePerLayer = perLayer;
        if (spec.Moe is { } moe)
        {
            BigInteger expert = 3 * h * moe.ExpertFfnSize;
            perLayer += h * moe.RoutedExperts + expert * moe.RoutedExperts;
            activePerLayer += h * moe.RoutedExperts + expert * moe.ExpertsPerToken;
        }
        else
        {
            perLayer += 3 * h * spec.FfnSize;
            activePerLayer = perLayer;
        }
        return (embedding + layers * perLayer + h, embedding + layers * activePerLayer + h);
    }

    private static ModelSpec Checked(ModelSpec spec)
    {
        ModelSpecValidator.Validate(spec);
        return spec;
    }

    /// <summary>A model as an opened source (no weights file), as the CLI sees a catalog id.</summary>
    public static ModelSource Source(ModelSpec spec) =>
        new(new ResolvedModel(spec.Architecture, spec.Architecture, ModelOrigin.Catalog, spec, []), null, ModelParameters.FromSpec(spec), [], []);

    /// <summary>The optional parts of a random architecture, drawn together.</summary>
    internal sealed record Extra(
        int Experts, int PerToken, int ExpertFfnBlocks, int Shared, int FirstDense, int Step,
        int KvLoraRank, int Nope, int Rope, int VHead, int? QLora,
        int Window, int Period, bool Chunked,
        RecurrentKind Kind, string Pattern, int SsmHeads, int SsmHeadDim, int SsmState, int SsmGroupsDivisor,
        int[] PerLayerKvPicks, bool Sinks, bool OutputGate);

    private static Gen<Extra> Extras(int layers) =>
        from experts in Gen.Int[2, 64]
        from perToken in Gen.Int[1, 8]
        from expertFfnBlocks in Gen.Int[1, 16]
        from shared in Gen.Int[0, 2]
        from firstDense in Gen.Int[0, layers]
        from step in Gen.Int[1, Math.Min(2, layers)]
        from kvLora in Gen.OneOf(64, 128, 256, 512)
        from nope in Gen.OneOf(32, 64, 128)
        from rope in Gen.OneOf(0, 32, 64)
        from vHead in Gen.OneOf(64, 128)
        from qLora in Gen.OneOf<int?>(null, 256, 1536)
        from window in Gen.Int[16, 8192]
        from period in Gen.Int[0, Math.Min(6, layers)]
        from chunked in Gen.Bool
        from kind in Gen.Enum<RecurrentKind>()
        from pattern in Gen.Char["M*-"].Array[layers]
        from ssmHeads in Gen.OneOf(4, 8, 16, 32)
        from ssmHeadDim in Gen.OneOf(32, 64, 128)
        from ssmState in Gen.OneOf(16, 64, 128)
        from groupsDivisor in Gen.OneOf(1, 2, 4)
        from perLayer in Gen.Int[0, 3].Array[layers]
        from sinks in Gen.Bool
        from gate in Gen.Bool
        select new Extra(experts, perToken, expertFfnBlocks, shared, firstDense, step, kvLora, nope, rope, vHead, qLora, window, period, chunked,
            kind, new string(pattern), ssmHeads, ssmHeadDim, ssmState, groupsDivisor, perLayer, sinks, gate);

    private static ModelSpec Build(int layers, int kvHeads, int queryPerKv, int headDim, bool explicitHeadDim, int hiddenBlocks, long vocab,
        int ffnBlocks, bool gated, bool tied, NormKind norm, QkNormKind qkNorm, bool biases, int maxContext, int variant, Extra x)
    {
        int heads = kvHeads * queryPerKv;
        // Row sizes in whole blocks of 256 so every ggml quantization (k-quants use 256-value super-blocks) applies.
        int hidden = explicitHeadDim ? hiddenBlocks * 256 : heads * headDim;
        var spec = new ModelSpec
        {
            Architecture = "random",
            VocabSize = vocab,
            HiddenSize = hidden,
            Layers = layers,
            AttentionHeads = heads,
            KeyValueHeads = kvHeads,
            HeadDim = explicitHeadDim ? headDim : null,
            FfnSize = ffnBlocks * 256L,
            Mlp = gated ? MlpKind.Gated : MlpKind.Plain,
            Norm = norm,
            QkNorm = qkNorm,
            Biases = biases ? BiasSpec.AllButLmHead : BiasSpec.None,
            TiedEmbeddings = tied,
            MaxContextTokens = maxContext,
            AttentionSinks = x.Sinks,
        };
        // variant: 0–3 dense (GQA/MQA/MHA as drawn), 4 MoE, 5 MLA (+ MoE half the time), 6 sliding window, 7 hybrid, 8 per-layer KV heads, 9 everything that combines.
        // An MLA model has no window, so the chunked coin decides whether it is also a mixture of experts (DeepSeek-V2/V3 are).
        if (variant is 4 or 9 || (variant == 5 && x.Chunked))
            spec = spec with { Moe = Moe(layers, x) };
        if (variant == 5)
            spec = spec with
            {
                KeyValueHeads = null,
                HeadDim = null,
                QkNorm = QkNormKind.None,
                Mla = new MlaSpec { KvLoraRank = x.KvLoraRank, QkNopeHeadDim = x.Nope, QkRopeHeadDim = x.Rope, VHeadDim = x.VHead, QLoraRank = x.QLora },
            };
        if (variant is 6 or 9)
            spec = spec with { SlidingWindow = new SlidingWindowSpec { WindowTokens = x.Window, GlobalLayerPeriod = x.Period, Chunked = x.Chunked } };
        // Hybrids' recurrent mixers keep their own (weighted) gated norm, so they come with a parametric norm as every hybrid family has.
        if (variant is 7 or 9)
            spec = spec with { Recurrent = Recurrent(x), AttentionOutputGate = x.OutputGate, Norm = norm == NormKind.NonParametric ? NormKind.RmsNorm : norm };
        if (variant == 8)
            spec = spec with { KeyValueHeads = null, KeyValueHeadsPerLayer = PerLayerKvHeads(kvHeads, x.PerLayerKvPicks) };
        spec = spec with { Architecture = LlamaCppFamily(spec) };
        ModelSpecValidator.Validate(spec);
        return spec;
    }

    /// <summary>
    /// A family whose llama.cpp GGUF layout holds the drawn features (llama.cpp estimates need one); the other engines read only
    /// the architecture's fields.
    /// </summary>
    private static string LlamaCppFamily(ModelSpec spec) => spec switch
    {
        { Recurrent.Kind: RecurrentKind.GatedDeltaNet } => "qwen3_next",
        { Recurrent.Kind: RecurrentKind.Mamba2 } => "granitemoehybrid",
        { Recurrent.Kind: RecurrentKind.ShortConv } => "lfm2",
        { Mla: not null } => "deepseek_v3",
        { Moe: not null } => "qwen3_moe",
        { SlidingWindow: not null } => "gemma2",
        _ => "llama",
    };

    private static MoeSpec Moe(int layers, Extra x) => new()
    {
        RoutedExperts = x.Experts,
        ExpertsPerToken = Math.Min(x.PerToken, x.Experts),
        ExpertFfnSize = x.ExpertFfnBlocks * 256L,
        SharedExperts = x.Shared,
        FirstDenseLayers = Math.Min(x.FirstDense, layers - 1),
        LayerStep = x.Step,
    };

    private static RecurrentSpec Recurrent(Extra x)
    {
        // At least one recurrent layer, as the validator asks.
        string pattern = x.Pattern.Contains('M') ? x.Pattern : "M" + x.Pattern[1..];
        return new RecurrentSpec
        {
            Kind = x.Kind,
            LayerPattern = pattern,
            ConvKernel = 4,
            Heads = x.SsmHeads,
            HeadDim = x.SsmHeadDim,
            StateSize = x.SsmState,
            Groups = x.SsmHeads / x.SsmGroupsDivisor,
        };
    }

    /// <summary>Per-layer KV heads: 0 (no KV) or a divisor of the heads, at least one layer with <paramref name="kvHeads"/>.</summary>
    private static int[] PerLayerKvHeads(int kvHeads, int[] picks)
    {
        var perLayer = picks.Select(p => p switch { 0 => 0, 1 => Math.Max(1, kvHeads / 2), _ => kvHeads }).ToArray();
        perLayer[0] = kvHeads;
        return perLayer;
    }
}
