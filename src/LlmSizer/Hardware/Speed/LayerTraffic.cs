namespace LlmSizer.Hardware.Speed;

/// <summary>
/// What one transformer block reads and computes for one token. Bytes are as stored (quantization scales included);
/// parameters are the logical weights of its matrix products (biases, norms and lookups left out: they cost no matmul).
/// </summary>
/// <param name="Index">Block index, 0-based.</param>
/// <param name="DenseBytes">Tensors every token reads: attention, norms, dense MLP, router, shared experts.</param>
/// <param name="DenseParameters">Matrix-product parameters among them.</param>
/// <param name="ExpertBytes">All routed experts of the block together (0 for a dense block).</param>
/// <param name="ExpertParameters">Matrix-product parameters of all routed experts together.</param>
/// <param name="Experts">Routed experts E (0 for a dense block).</param>
/// <param name="ExpertsPerToken">Experts each token is routed to, k.</param>
/// <param name="KeyValuesPerToken">Values the cache keeps per token for keys (kv heads × head dim; MLA: latent rank + rope dims).</param>
/// <param name="ValueValuesPerToken">Values the cache keeps per token for values (0 for MLA's latent cache).</param>
/// <param name="AttentionFlopsPerContextToken">Attention FLOPs one query spends per cached token: 2·H·(d_k + d_v) (QKᵀ and AV).</param>
/// <param name="WindowTokens">Sliding-window or chunk length the block attends within; null for full attention.</param>
public sealed record LayerTraffic(
    int Index,
    long DenseBytes,
    long DenseParameters,
    long ExpertBytes,
    long ExpertParameters,
    int Experts,
    int ExpertsPerToken,
    long KeyValuesPerToken,
    long ValueValuesPerToken,
    long AttentionFlopsPerContextToken,
    int? WindowTokens)
{
    /// <summary>Bytes of one routed expert: <see cref="ExpertBytes"/> / E.</summary>
    public double BytesPerExpert => Experts == 0 ? 0 : (double)ExpertBytes / Experts;

    /// <summary>Matrix-product parameters one token uses: dense + k / E of the experts.</summary>
    public double ActiveParameters => DenseParameters + (Experts == 0 ? 0 : (double)ExpertParameters * ExpertsPerToken / Experts);

    /// <summary>
    /// Expected distinct experts that <paramref name="tokens"/> tokens touch: E·(1 − (1 − k/E)^tokens), taking each token's
    /// k experts as an independent uniform draw (routers are trained towards balanced load). One token touches k, a large
    /// batch all E.
    /// </summary>
    public double ExpertsTouched(double tokens) =>
        Experts == 0 ? 0 : Experts * (1 - Math.Pow(1 - (double)ExpertsPerToken / Experts, tokens));

    /// <summary>Weight bytes a step of <paramref name="tokens"/> tokens reads from this block: dense + touched experts.</summary>
    public double WeightBytesFor(double tokens) => DenseBytes + ExpertsTouched(tokens) * BytesPerExpert;

    /// <summary>Cached tokens one query attends to when <paramref name="contextTokens"/> are in the cache (capped by the window).</summary>
    public long AttendedTokens(long contextTokens) => WindowTokens is { } w ? Math.Min(contextTokens, w) : contextTokens;

    /// <summary>
    /// Query–key pairs of a causal prompt of <paramref name="tokens"/> tokens: Σ over positions of the tokens each attends to,
    /// T(T+1)/2 for full attention, each position capped at <paramref name="window"/> for a sliding layer.
    /// </summary>
    public static double CausalPairs(long tokens, int? window)
    {
        double t = tokens;
        if (window is not { } w || tokens <= w)
            return t * (t + 1) / 2;
        return w * (w + 1.0) / 2 + (t - w) * w;
    }
}
