namespace LlmSizer.Sampling;

/// <summary>
/// What an engine does with sampler settings: the order its stages run in (as data), its defaults, how many previous
/// tokens its penalties look back over, which of LlmSizer's settings it has no stage for, and the source of each rule.
/// </summary>
/// <param name="Order">The stages in the engine's order; penalties come first in all three.</param>
/// <param name="Defaults">The engine's default settings (used for any setting not given).</param>
/// <param name="PenaltyLastTokens">How many of the most recent previous tokens the penalties see; null for all of them.</param>
/// <param name="Unsupported">Settings the engine has no stage for: a non-neutral value is reported and ignored.</param>
/// <param name="Source">Where the order and defaults were read.</param>
public sealed record SamplingEngineProfile(
    SamplingEngine Engine,
    IReadOnlyList<SamplingStage> Order,
    SamplingSettings Defaults,
    int? PenaltyLastTokens,
    IReadOnlyList<string> Unsupported,
    string Source)
{
    public string Name => SamplingEngineNames.Name(Engine);

    /// <summary>
    /// transformers <c>GenerationMixin._get_logits_processor</c> (generation/utils.py): the processors, among them
    /// <c>RepetitionPenaltyLogitsProcessor</c>, then with <c>do_sample</c> the warpers Temperature, TopK, TopP, MinP, Typical
    /// (then epsilon and eta, which LlmSizer does not model). Defaults from <c>GenerationConfig</c>: temperature 1.0,
    /// top_k 50, top_p 1.0, no min_p, typical_p 1.0, repetition_penalty 1.0. No presence or frequency penalty exists.
    /// </summary>
    public static SamplingEngineProfile Transformers { get; } = new(
        SamplingEngine.Transformers,
        [SamplingStage.Penalties, SamplingStage.Temperature, SamplingStage.TopK, SamplingStage.TopP, SamplingStage.MinP, SamplingStage.TypicalP],
        new SamplingSettings { Temperature = 1.0, TopK = 50, TopP = 1.0, MinP = 0, TypicalP = 1.0, RepetitionPenalty = 1.0 },
        null,
        ["presence penalty", "frequency penalty"],
        "huggingface/transformers src/transformers/generation/utils.py (GenerationMixin._get_logits_processor) and generation/configuration_utils.py (GenerationConfig defaults)");

    /// <summary>
    /// llama.cpp <c>common_params_sampling::samplers</c> (common/common.h): penalties, DRY, top-n-sigma, top-k, typical,
    /// top-p, min-p, XTC, temperature; <c>common_sampler_init</c> (common/sampling.cpp) appends the <c>dist</c> sampler that
    /// draws. DRY, top-n-sigma and XTC are off by default (dry_multiplier 0, top_n_sigma −1, xtc_probability 0) and not
    /// modelled. Defaults: temp 0.80, top_k 40, top_p 0.95, min_p 0.05, typ_p 1.00, penalty_repeat 1.00 over
    /// penalty_last_n 64 tokens.
    /// </summary>
    public static SamplingEngineProfile LlamaCpp { get; } = new(
        SamplingEngine.LlamaCpp,
        [SamplingStage.Penalties, SamplingStage.TopK, SamplingStage.TypicalP, SamplingStage.TopP, SamplingStage.MinP, SamplingStage.Temperature],
        new SamplingSettings { Temperature = 0.8, TopK = 40, TopP = 0.95, MinP = 0.05, TypicalP = 1.0, RepetitionPenalty = 1.0 },
        64,
        [],
        "ggml-org/llama.cpp common/common.h (common_params_sampling: samplers and defaults), common/sampling.cpp (common_sampler_init), src/llama-sampling.cpp (each sampler)");

    /// <summary>
    /// vLLM V1 <c>Sampler</c> (vllm/v1/sample/sampler.py): penalties (repetition, frequency, presence), then temperature,
    /// then the argmax-invariant logits processors (min-p), then top-k and top-p together
    /// (vllm/v1/sample/ops/topk_topp_sampler.py). Defaults from <c>SamplingParams</c>: temperature 1.0, top_k off,
    /// top_p 1.0, min_p 0.0, repetition_penalty 1.0. vLLM has no typical-p.
    /// </summary>
    public static SamplingEngineProfile Vllm { get; } = new(
        SamplingEngine.Vllm,
        [SamplingStage.Penalties, SamplingStage.Temperature, SamplingStage.MinP, SamplingStage.TopK, SamplingStage.TopP],
        new SamplingSettings { Temperature = 1.0, TopK = 0, TopP = 1.0, MinP = 0, TypicalP = 1.0, RepetitionPenalty = 1.0 },
        null,
        ["typical-p"],
        "vllm-project/vllm vllm/v1/sample/sampler.py (Sampler.forward and sample), vllm/v1/sample/ops/topk_topp_sampler.py, vllm/sampling_params.py (defaults)");

    public static SamplingEngineProfile For(SamplingEngine engine) => engine switch
    {
        SamplingEngine.Transformers => Transformers,
        SamplingEngine.LlamaCpp => LlamaCpp,
        _ => Vllm,
    };

    /// <summary>Whether <paramref name="settings"/> ask for something this engine cannot do, named as in <see cref="Unsupported"/>.</summary>
    public IReadOnlyList<string> Ignored(SamplingSettings settings)
    {
        var ignored = new List<string>();
        if (Unsupported.Contains("presence penalty") && settings.PresencePenalty != 0)
            ignored.Add("presence penalty");
        if (Unsupported.Contains("frequency penalty") && settings.FrequencyPenalty != 0)
            ignored.Add("frequency penalty");
        if (Unsupported.Contains("typical-p") && settings.TypicalP != 1.0)
            ignored.Add("typical-p");
        return ignored;
    }
}
