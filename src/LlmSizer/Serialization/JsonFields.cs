using System.Text.Json;
using LlmSizer.Models;

namespace LlmSizer.Serialization;

/// <summary>
/// Typed access to a JSON object (a config.json, a catalog entry). A field of the wrong type or out of range throws a
/// <see cref="ModelSpecException"/> naming the field; <paramref name="prefix"/> is prepended for nested
/// objects such as <c>text_config</c>.
/// </summary>
internal sealed class JsonFields(JsonElement obj, string prefix = "")
{
    public JsonElement Element => obj;

    public bool Has(string name) => obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    public string Name(string name) => prefix + name;

    public string? String(string name) =>
        !Has(name) ? null
        : obj.GetProperty(name) is { ValueKind: JsonValueKind.String } s ? s.GetString()
        : throw new ModelSpecException(Name(name), $"expected a string, found {Describe(obj.GetProperty(name))}");

    public int Int(string name, int? fallback = null, int min = 1, int max = int.MaxValue) =>
        (int)Long(name, fallback, min, max);

    public int? OptionalInt(string name, int min = 1, int max = int.MaxValue) =>
        Has(name) ? Int(name, null, min, max) : null;

    public long Long(string name, long? fallback = null, long min = 1, long max = long.MaxValue)
    {
        if (!Has(name))
            return fallback ?? throw new ModelSpecException(Name(name), "required field is missing");
        var v = obj.GetProperty(name);
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out long value))
        {
            // Whole numbers written as 1e3 or 4096.0 are accepted; 1.5 or values beyond 64 bits are not.
            if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d) && d == Math.Floor(d) && Math.Abs(d) < 9e18)
                value = (long)d;
            else
                throw new ModelSpecException(Name(name), $"expected an integer, found {Describe(v)}");
        }
        if (value < min || value > max)
            throw new ModelSpecException(Name(name), min == 1 && value <= 0
                ? $"expected a positive integer, found {value}"
                : $"expected an integer from {min} to {max}, found {value}");
        return value;
    }

    public bool Bool(string name, bool fallback)
    {
        if (!Has(name))
            return fallback;
        var v = obj.GetProperty(name);
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ModelSpecException(Name(name), $"expected true or false, found {Describe(v)}"),
        };
    }

    public JsonFields? Object(string name)
    {
        if (!Has(name))
            return null;
        var v = obj.GetProperty(name);
        return v.ValueKind == JsonValueKind.Object
            ? new JsonFields(v, prefix + name + ".")
            : throw new ModelSpecException(Name(name), $"expected an object, found {Describe(v)}");
    }

    public IReadOnlyList<string>? StringArray(string name)
    {
        if (!Has(name))
            return null;
        var v = obj.GetProperty(name);
        if (v.ValueKind != JsonValueKind.Array)
            throw new ModelSpecException(Name(name), $"expected an array of strings, found {Describe(v)}");
        var list = new List<string>();
        foreach (var item in v.EnumerateArray())
            list.Add(item.ValueKind == JsonValueKind.String
                ? item.GetString()!
                : throw new ModelSpecException(Name(name), $"expected an array of strings, found an element {Describe(item)}"));
        return list;
    }

    public int[]? IntArray(string name, int max)
    {
        if (!Has(name))
            return null;
        var v = obj.GetProperty(name);
        if (v.ValueKind != JsonValueKind.Array)
            throw new ModelSpecException(Name(name), $"expected an array of integers, found {Describe(v)}");
        var list = new List<int>();
        foreach (var item in v.EnumerateArray())
            list.Add(item.ValueKind == JsonValueKind.Number && item.TryGetInt32(out int i) && i >= 0 && i <= max
                ? i
                : throw new ModelSpecException(Name(name), $"expected integers from 0 to {max}, found an element {Describe(item)}"));
        return [.. list];
    }

    private static string Describe(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => $"\"{Truncate(v.GetString() ?? "")}\"",
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => "null",
    };

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
