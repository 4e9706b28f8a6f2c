namespace LlmSizer.Errors;

/// <summary>
/// Byte and value counts are 64-bit and computed with checked arithmetic; a model and settings whose memory passes
/// long.MaxValue (about 9.2 × 10^18, 8 EiB) are refused here with a sentence instead of an <see cref="OverflowException"/>.
/// </summary>
internal static class SizeLimit
{
    /// <summary>Runs <paramref name="estimate"/>, turning an overflow into a <see cref="UsageException"/> naming <paramref name="what"/>.</summary>
    public static T Checked<T>(string what, Func<T> estimate)
    {
        try
        {
            return estimate();
        }
        catch (OverflowException)
        {
            throw new UsageException(
                $"{what}: the model's sizes and these settings need more than 2^63 bytes (9.2 × 10^18), beyond a 64-bit count; check the sizes, context and batch");
        }
    }
}
