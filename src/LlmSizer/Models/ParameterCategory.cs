namespace LlmSizer.Models;

/// <summary>The breakdown buckets every parameter falls into.</summary>
public enum ParameterCategory
{
    /// <summary>Token and learned position embeddings.</summary>
    Embedding,
    /// <summary>
    /// q/k/v/o projections, their biases, q/k norms, MLA down/up projections and norms, attention sinks; in hybrid models also
    /// the recurrent token mixers that take attention's place (Mamba-2, Gated DeltaNet, short convolutions), their norms included.
    /// </summary>
    Attention,
    /// <summary>Dense MLPs, routers, routed and shared experts.</summary>
    Mlp,
    /// <summary>Residual-stream norms: per-layer, final and embedding norms.</summary>
    Norm,
    /// <summary>An untied output projection (and its bias).</summary>
    LmHead,
    /// <summary>Anything else (OPT-350m's embedding projections).</summary>
    Other,
}
