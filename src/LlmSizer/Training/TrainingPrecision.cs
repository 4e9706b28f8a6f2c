namespace LlmSizer.Training;

/// <summary>How weights, gradients and optimizer states are stored while training.</summary>
public enum TrainingPrecision
{
    /// <summary>
    /// Mixed precision with an fp32 master copy (ZeRO paper, DeepSpeed, Megatron): bf16 weights and gradients, fp32 master
    /// weights kept by the optimizer. 2 + 2 + 4 bytes per trainable parameter before the optimizer's own states.
    /// </summary>
    Mixed,
    /// <summary>As <see cref="Mixed"/> but gradients reduced and kept in fp32 (Megatron's <c>main_grad</c>): 2 + 4 + 4 bytes.</summary>
    MixedFp32Gradients,
    /// <summary>
    /// PyTorch automatic mixed precision on an fp32 model (<c>torch.autocast</c>; Hugging Face Trainer <c>bf16=True</c> on a model
    /// loaded in fp32): fp32 weights and gradients, and the bf16 copies autocast makes of each weight, kept for backward: 4 + 2 + 4 bytes.
    /// </summary>
    Amp,
    /// <summary>Pure bf16: weights, gradients and optimizer states in bf16, no master copy (torchtune's default; LLaMA-Factory <c>pure_bf16</c>).</summary>
    Bf16,
    /// <summary>Everything in fp32.</summary>
    Fp32,
}

/// <summary>Bytes per trainable parameter a <see cref="TrainingPrecision"/> implies, before the optimizer's states.</summary>
/// <param name="WeightBytes">The working copy of a weight the forward pass reads.</param>
/// <param name="GradientBytes">Its gradient.</param>
/// <param name="MasterBytes">An fp32 master copy kept by the optimizer (0 when the weight itself is the master).</param>
/// <param name="CastCopyBytes">Half-precision copies autocast makes and autograd keeps until backward (AMP only).</param>
/// <param name="StateBytes">Bytes of one full-precision optimizer state value (an Adam moment): 4, or 2 under pure bf16.</param>
/// <param name="ActivationBytes">Bytes of an activation value: 2 (bf16/fp16 compute) or 4 (fp32).</param>
public sealed record PrecisionBytes(int WeightBytes, int GradientBytes, int MasterBytes, int CastCopyBytes, int StateBytes, int ActivationBytes)
{
    public static PrecisionBytes Of(TrainingPrecision precision) => precision switch
    {
        TrainingPrecision.Mixed => new(2, 2, 4, 0, 4, 2),
        TrainingPrecision.MixedFp32Gradients => new(2, 4, 4, 0, 4, 2),
        TrainingPrecision.Amp => new(4, 4, 0, 2, 4, 2),
        TrainingPrecision.Bf16 => new(2, 2, 0, 0, 2, 2),
        _ => new(4, 4, 0, 0, 4, 4),
    };

    /// <summary>
    /// LoRA adapters: PEFT keeps them in fp32 whatever the base dtype (<c>autocast_adapter_dtype=True</c>), so they are their
    /// own master copy; under pure bf16 (torchtune) they are bf16 like everything else.
    /// </summary>
    public static PrecisionBytes OfAdapters(TrainingPrecision precision) => precision switch
    {
        TrainingPrecision.Bf16 => new(2, 2, 0, 0, 2, 2),
        _ => new(4, 4, 0, 0, 4, 2),
    };

    /// <summary>Bytes a frozen base weight takes when it is not quantized: bf16, or fp32 when training in fp32.</summary>
    public static int FrozenWeightBytes(TrainingPrecision precision) => precision == TrainingPrecision.Fp32 ? 4 : 2;

    public static string Describe(TrainingPrecision precision) => precision switch
    {
        TrainingPrecision.Mixed => "bf16 mixed precision: bf16 weights and gradients, fp32 master weights in the optimizer",
        TrainingPrecision.MixedFp32Gradients => "bf16 mixed precision with fp32 gradients (Megatron main_grad): bf16 weights, fp32 gradients and master weights",
        TrainingPrecision.Amp => "torch.autocast on an fp32 model: fp32 weights and gradients, bf16 copies of the weights kept for backward",
        TrainingPrecision.Bf16 => "pure bf16: weights, gradients and optimizer states in bf16, no fp32 master copy",
        _ => "fp32 everywhere",
    };

    public static TrainingPrecision Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "mixed" or "bf16-mixed" or "fp16-mixed" or "mixed-precision" => TrainingPrecision.Mixed,
        "mixed-fp32-grads" or "mixed-fp32-gradients" or "megatron" => TrainingPrecision.MixedFp32Gradients,
        "amp" or "autocast" => TrainingPrecision.Amp,
        "bf16" or "pure-bf16" or "pure_bf16" => TrainingPrecision.Bf16,
        "fp32" or "float32" => TrainingPrecision.Fp32,
        _ => throw new Errors.UsageException($"--precision: unknown precision '{text}'; expected mixed, mixed-fp32-grads, amp, bf16 or fp32"),
    };
}
