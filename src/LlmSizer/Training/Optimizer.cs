using LlmSizer.Errors;

namespace LlmSizer.Training;

/// <summary>The optimizers whose state the training estimate sizes.</summary>
public enum OptimizerKind
{
    /// <summary>AdamW: two moments (m and v) per parameter.</summary>
    AdamW,
    /// <summary>bitsandbytes 8-bit AdamW: two 8-bit moments, block-wise quantized.</summary>
    AdamW8bit,
    /// <summary>bitsandbytes paged AdamW: fp32 moments in CUDA unified memory, evicted to the host under pressure.</summary>
    PagedAdamW,
    /// <summary>bitsandbytes paged 8-bit AdamW (torchtune's single-device full fine-tune, QLoRA's <c>paged_adamw_8bit</c>).</summary>
    PagedAdamW8bit,
    /// <summary>Adafactor without momentum (transformers' default <c>beta1=None</c>): factored second moment for matrices.</summary>
    Adafactor,
    /// <summary>Plain SGD: no state.</summary>
    Sgd,
    /// <summary>SGD with momentum: one buffer per parameter.</summary>
    SgdMomentum,
    /// <summary>Lion: one momentum buffer per parameter.</summary>
    Lion,
}

/// <summary>Optimizer state bytes per tensor, by optimizer (docs/METHOD.md, "Training: optimizer states").</summary>
public static class Optimizer
{
    /// <summary>bitsandbytes keeps tensors smaller than this in 32-bit state (<c>min_8bit_size=4096</c>).</summary>
    public const long Min8BitElements = 4096;

    /// <summary>bitsandbytes' block-wise 8-bit states: one fp32 absmax per 256 values.</summary>
    public const long BlockSize8Bit = 256;

    public static bool IsPaged(OptimizerKind kind) => kind is OptimizerKind.PagedAdamW or OptimizerKind.PagedAdamW8bit;

    /// <summary>Moments kept per parameter (0 for SGD; Adafactor's factored moment is not per parameter, see <see cref="StateBytes"/>).</summary>
    public static int Moments(OptimizerKind kind) => kind switch
    {
        OptimizerKind.AdamW or OptimizerKind.AdamW8bit or OptimizerKind.PagedAdamW or OptimizerKind.PagedAdamW8bit => 2,
        OptimizerKind.SgdMomentum or OptimizerKind.Lion => 1,
        _ => 0,
    };

    /// <summary>
    /// State bytes of one trainable tensor of <paramref name="elements"/> values (<paramref name="rows"/> × <paramref name="columns"/>
    /// × <paramref name="stack"/> for matrices, 0 × 0 for vectors), when a full-precision state value takes <paramref name="stateBytes"/>.
    /// </summary>
    public static long StateBytes(OptimizerKind kind, long elements, long rows, long columns, long stack, int stateBytes) => kind switch
    {
        OptimizerKind.AdamW or OptimizerKind.PagedAdamW => checked(2 * elements * stateBytes),
        OptimizerKind.AdamW8bit or OptimizerKind.PagedAdamW8bit => elements < Min8BitElements
            ? checked(2 * elements * 4)
            : checked(2 * (elements + (elements + BlockSize8Bit - 1) / BlockSize8Bit * 4)),
        OptimizerKind.Adafactor => rows > 0 && columns > 0
            ? checked(stack * (rows + columns) * stateBytes)
            : checked(elements * stateBytes),
        OptimizerKind.SgdMomentum or OptimizerKind.Lion => checked(elements * stateBytes),
        _ => 0,
    };

    /// <summary>The rule as a sentence, for line items.</summary>
    public static string Describe(OptimizerKind kind, int stateBytes) => kind switch
    {
        OptimizerKind.AdamW => $"AdamW: m and v, {stateBytes} B each per parameter",
        OptimizerKind.PagedAdamW => $"paged AdamW: m and v, {stateBytes} B each, in CUDA unified memory",
        OptimizerKind.AdamW8bit or OptimizerKind.PagedAdamW8bit =>
            $"{(IsPaged(kind) ? "paged " : "")}8-bit AdamW: m and v 1 B each + an fp32 absmax per {BlockSize8Bit}; tensors under {Min8BitElements} values keep fp32 states",
        OptimizerKind.Adafactor => $"Adafactor (no momentum): a row and a column second moment per matrix, a full one per vector, {stateBytes} B each",
        OptimizerKind.SgdMomentum => $"SGD momentum buffer, {stateBytes} B per parameter",
        OptimizerKind.Lion => $"Lion momentum, {stateBytes} B per parameter",
        _ => "plain SGD keeps no state",
    };

    public static string Name(OptimizerKind kind) => kind switch
    {
        OptimizerKind.AdamW => "adamw",
        OptimizerKind.AdamW8bit => "adamw-8bit",
        OptimizerKind.PagedAdamW => "paged-adamw",
        OptimizerKind.PagedAdamW8bit => "paged-adamw-8bit",
        OptimizerKind.Adafactor => "adafactor",
        OptimizerKind.Sgd => "sgd",
        OptimizerKind.SgdMomentum => "sgd-momentum",
        _ => "lion",
    };

    public static OptimizerKind Parse(string text)
    {
        string key = text.Trim().ToLowerInvariant().Replace('_', '-');
        foreach (var kind in Enum.GetValues<OptimizerKind>())
        {
            if (Name(kind) == key)
                return kind;
        }
        return key switch
        {
            "adam" or "adamw-torch" or "adamw-torch-fused" => OptimizerKind.AdamW,
            "adamw8bit" or "adamw-bnb-8bit" or "8bit-adamw" => OptimizerKind.AdamW8bit,
            "paged-adamw-32bit" or "paged-adamw32bit" => OptimizerKind.PagedAdamW,
            "paged-adamw8bit" => OptimizerKind.PagedAdamW8bit,
            "momentum" => OptimizerKind.SgdMomentum,
            _ => throw new UsageException($"--optimizer: unknown optimizer '{text}'; expected {string.Join(", ", Enum.GetValues<OptimizerKind>().Select(Name))}"),
        };
    }
}
