namespace LlmSizer.Models;

/// <summary>What a hybrid model's recurrent layers compute in place of attention.</summary>
public enum RecurrentKind
{
    /// <summary>
    /// Gated DeltaNet linear attention (Qwen3-Next, Qwen3.5): per value head a key × value state matrix updated by a
    /// delta rule, after a short causal convolution over the q, k and v projections.
    /// </summary>
    GatedDeltaNet,
    /// <summary>Mamba-2's selective state-space layer (Granite-4.0-H, Nemotron-H, Falcon-H1): per head a head_dim × d_state state.</summary>
    Mamba2,
    /// <summary>LFM2's gated short convolution: a depthwise causal convolution over the hidden size, no state matrix.</summary>
    ShortConv,
}

/// <summary>The token mixer of one layer of a hybrid model.</summary>
public enum LayerMixer
{
    /// <summary>Attention with a KV cache.</summary>
    Attention,
    /// <summary>A recurrent layer (<see cref="RecurrentSpec.Kind"/>) with a fixed-size state per sequence.</summary>
    Recurrent,
    /// <summary>No token mixer: the layer is an MLP only (Nemotron-H's "-" layers).</summary>
    None,
}

/// <summary>
/// The recurrent layers of a hybrid model and their sizes. The sizes follow llama.cpp's <c>ssm.*</c> keys, which give both
/// layer kinds the same shape vocabulary: <see cref="Heads"/> × <see cref="HeadDim"/> is the inner width (Mamba-2's
/// d_inner; Gated DeltaNet's value width), <see cref="Groups"/> × <see cref="StateSize"/> the width of each of the two
/// projections the state is built from (Mamba-2's B and C; Gated DeltaNet's keys and queries), so the convolution runs over
/// inner + 2 × groups × state channels and the state holds state × inner values. Sizes are element counts.
/// </summary>
public sealed record RecurrentSpec
{
    /// <summary>What the recurrent layers compute.</summary>
    public required RecurrentKind Kind { get; init; }

    /// <summary>
    /// One character per layer, in Nemotron-H's <c>hybrid_override_pattern</c> notation: <c>M</c> a recurrent layer, <c>*</c> an
    /// attention layer, <c>-</c> an MLP-only layer. When the pattern has <c>-</c> layers, each layer is one sub-block
    /// (Nemotron-H), so <c>M</c> and <c>*</c> layers have no MLP of their own; otherwise every layer has an MLP after its mixer.
    /// </summary>
    public required string LayerPattern { get; init; }

    /// <summary>Width of the causal convolution in tokens (<c>conv_kernel</c>, <c>linear_conv_kernel_dim</c>, LFM2's <c>conv_L_cache</c>).</summary>
    public required int ConvKernel { get; init; }

    /// <summary>Mamba-2's d_state; Gated DeltaNet's key head size. 0 for short convolutions.</summary>
    public int StateSize { get; init; }

    /// <summary>Mamba-2's n_groups; Gated DeltaNet's key heads. 0 for short convolutions.</summary>
    public int Groups { get; init; }

    /// <summary>Mamba-2's heads; Gated DeltaNet's value heads. 0 for short convolutions.</summary>
    public int Heads { get; init; }

    /// <summary>Mamba-2's head_dim; Gated DeltaNet's value head size. 0 for short convolutions.</summary>
    public int HeadDim { get; init; }

    /// <summary>The convolution has a bias per channel (Mamba-2's <c>conv_bias</c>/<c>mamba_conv_bias</c>, LFM2's <c>conv_bias</c>).</summary>
    public bool ConvBias { get; init; }

    /// <summary>The input and output projections have biases (Mamba-2's <c>use_bias</c>/<c>mamba_proj_bias</c>, LFM2's <c>conv_bias</c>).</summary>
    public bool ProjectionBias { get; init; }

    /// <summary>Heads × head size: Mamba-2's d_inner, Gated DeltaNet's value width.</summary>
    public long InnerSize => (long)Heads * HeadDim;

    /// <summary>Channels the convolution runs over: inner + 2 × groups × state, or the hidden size for a short convolution.</summary>
    public long ConvChannels(int hiddenSize) =>
        Kind == RecurrentKind.ShortConv ? hiddenSize : InnerSize + 2L * Groups * StateSize;

    /// <summary>
    /// Values of one layer's convolution state per sequence: the last kernel − 1 inputs of every channel (llama.cpp's
    /// <c>n_embd_r</c>; transformers' and vLLM's conv state).
    /// </summary>
    public long ConvStateValues(int hiddenSize) => (long)(ConvKernel - 1) * ConvChannels(hiddenSize);

    /// <summary>
    /// Values of one layer's recurrent state per sequence: state × inner (llama.cpp's <c>n_embd_s</c>: Mamba-2's heads ×
    /// head_dim × d_state, Gated DeltaNet's value heads × key size × value size); 0 for a short convolution.
    /// </summary>
    public long SsmStateValues => Kind == RecurrentKind.ShortConv ? 0 : (long)StateSize * InnerSize;

    /// <summary>The mixer of layer <paramref name="layer"/> (0-based).</summary>
    public LayerMixer MixerAt(int layer) => LayerPattern[layer] switch
    {
        'M' => LayerMixer.Recurrent,
        '*' => LayerMixer.Attention,
        _ => LayerMixer.None,
    };

    /// <summary>Whether layer <paramref name="layer"/> has an MLP: every layer, unless the pattern has MLP-only layers (then only those).</summary>
    public bool HasMlpAt(int layer) => !HasMlpOnlyLayers || LayerPattern[layer] == '-';

    /// <summary>Whether the pattern splits blocks into single sub-layers (Nemotron-H): it has MLP-only layers.</summary>
    public bool HasMlpOnlyLayers => LayerPattern.Contains('-');

    /// <summary>How many layers have mixer <paramref name="mixer"/>.</summary>
    public int Count(LayerMixer mixer) => Enumerable.Range(0, LayerPattern.Length).Count(l => MixerAt(l) == mixer);

    /// <summary>
    /// A pattern of <paramref name="layers"/> layers in which every <paramref name="attentionPeriod"/>-th layer attends and
    /// the others are recurrent (Qwen3-Next's <c>full_attention_interval</c>: layer i attends when (i + 1) is a multiple of it).
    /// </summary>
    public static string PeriodicPattern(int layers, int attentionPeriod) =>
        new(Enumerable.Range(0, layers).Select(i => attentionPeriod > 0 && (i + 1) % attentionPeriod == 0 ? '*' : 'M').ToArray());
}
