namespace LlmSizer.Training.DeepSpeed;

/// <summary>
/// Which DeepSpeed ZeRO-2 estimator to reproduce. The two differ only in the GPU bytes of ZeRO-2 without optimizer offload.
/// </summary>
public enum DeepSpeedVersion
{
    /// <summary>
    /// The code since commit f4cb866c2 (2024-06-04, PR #5099): 2P + ⌊18P/N⌋ (16-bit weights, plus 16-bit grads, fp32 grads,
    /// fp32 master weights and Adam's two moments sharded over the N GPUs).
    /// </summary>
    Current,

    /// <summary>The formula before that commit, which docs/code-docs/source/memory.rst still prints: 4P + ⌊16P/N⌋.</summary>
    Docs,
}
