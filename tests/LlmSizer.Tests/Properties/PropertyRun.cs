using CsCheck;
using LlmSizer.Errors;
using LlmSizer.Models;

namespace LlmSizer.Tests.Properties;

/// <summary>
/// Runs a property with a fixed number of random cases. CsCheck draws a fresh seed each run, shrinks a failure to its smallest
/// case and prints that case with its seed (pass it back as <c>seed:</c> to replay it). The counts keep the whole property suite
/// within about 20 s on a 2-core CI machine.
/// </summary>
internal static class PropertyRun
{
    /// <summary>Cases per property over estimators (each case runs one to four estimates).</summary>
    public const int Estimates = 300;

    /// <summary>Cases per property over the parameter counter and the header round trips (cheap).</summary>
    public const int Cheap = 500;

    public static void Check<T>(Gen<T> gen, Action<T> property, long iterations = Estimates) =>
        gen.Sample(property, iter: iterations);

    public static void Check<T1, T2>(Gen<(T1, T2)> gen, Action<T1, T2> property, long iterations = Estimates) =>
        gen.Sample(property, iter: iterations);

    public static void Check<T1, T2, T3>(Gen<(T1, T2, T3)> gen, Action<T1, T2, T3> property, long iterations = Estimates) =>
        gen.Sample(property, iter: iterations);

    public static void Check<T1, T2, T3, T4>(Gen<(T1, T2, T3, T4)> gen, Action<T1, T2, T3, T4> property, long iterations = Estimates) =>
        gen.Sample(property, iter: iterations);

    public static void Check<T1, T2, T3, T4, T5>(Gen<(T1, T2, T3, T4, T5)> gen, Action<T1, T2, T3, T4, T5> property, long iterations = Estimates) =>
        gen.Sample(property, iter: iterations);

    /// <summary>
    /// Runs <paramref name="estimate"/>, turning an input the library refuses with a clear message (an option the engine does not
    /// support for this model) into null; anything else, an overflow included, propagates and fails the property.
    /// </summary>
    public static T? Refusable<T>(Func<T> estimate) where T : class
    {
        try
        {
            return estimate();
        }
        catch (Exception e) when (IsClearRefusal(e))
        {
            return null;
        }
    }

    /// <summary>A byte count, or null when the library refuses the input with a clear message (see <see cref="Refusable{T}"/>).</summary>
    public static long? Refusable(Func<long> bytes)
    {
        try
        {
            return bytes();
        }
        catch (Exception e) when (IsClearRefusal(e))
        {
            return null;
        }
    }

    /// <summary>The library's own errors: a one-line message naming the option, field or file.</summary>
    public static bool IsClearRefusal(Exception e) => e is UsageException or InputException or ModelSpecException;
}
