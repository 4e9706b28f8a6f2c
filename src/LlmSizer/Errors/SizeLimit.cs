namespace LlmSizer.Errors;

/// <summary>
/// Byte and value counts are 64-bit and computed with checked arithmetic; a model and settings whose memory passes
/// long.MaxValue (about 9.2 × 10^18, 8 EiB) are refused with a sentence instead of an <see cref="OverflowException"/>.
/// The estimators catch the overflow themselves, so that the hot path formats no message and allocates no closure.
/// </summary>
internal static class SizeLimit
{
    /// <summary>The refusal for <paramref name="what"/> ("llama-3.1-8b on LlamaCpp", "training llama").</summary>
    public static UsageException Exceeded(string what) => new(
        $"{what}: the model's sizes and these settings need more than 2^63 bytes (9.2 × 10^18), beyond a 64-bit count; check the sizes, context and batch");
}
