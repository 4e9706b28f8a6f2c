using System.Globalization;

namespace LlmSizer.Units;

/// <summary>
/// Parses and prints arithmetic throughput in operations per second: "165.2TF", "989.4 TFLOPS", "660.6TOPS", "2.25PF".
/// G, T and P prefixes (10^9, 10^12, 10^15) with F, FLOPS, OPS or OP/S; any case. A FLOP and an integer OP count alike.
/// </summary>
public static class ComputeRate
{
    /// <summary>Operations per second in <paramref name="text"/>; false for anything else.</summary>
    public static bool TryParse(string text, out double opsPerSecond)
    {
        opsPerSecond = 0;
        if (!UnitNumber.TrySplit(text, out double number, out string unit))
            return false;
        string u = unit.ToUpperInvariant();
        double? scale = u.Length == 0 ? null : u[0] switch { 'G' => 1e9, 'T' => 1e12, 'P' => 1e15, _ => null };
        if (scale is not { } k || u[1..] is not ("F" or "FLOPS" or "FLOP/S" or "OPS" or "OP/S"))
            return false;
        opsPerSecond = number * k;
        return true;
    }

    /// <summary>Tera-operations per second with one decimal: "165.2".</summary>
    public static string FormatTera(double opsPerSecond) => (opsPerSecond / 1e12).ToString("0.#", CultureInfo.InvariantCulture);
}
