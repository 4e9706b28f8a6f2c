using LlmSizer.Errors;

namespace LlmSizer.Formats.Gguf;

/// <summary>
/// A GGUF file's metadata key/value pairs in file order, with typed accessors. An accessor returns null when the
/// key is absent and throws an <see cref="InputException"/> at the value's file offset when the value has another type.
/// </summary>
public sealed class GgufMetadata
{
    private readonly Dictionary<string, (GgufValue Value, long Offset)> entries;

    internal GgufMetadata(string sourceName, IReadOnlyList<string> keys, Dictionary<string, (GgufValue Value, long Offset)> entries)
    {
        SourceName = sourceName;
        Keys = keys;
        this.entries = entries;
    }

    /// <summary>The file the metadata was read from, for error messages.</summary>
    public string SourceName { get; }

    /// <summary>Keys in the order the file stores them.</summary>
    public IReadOnlyList<string> Keys { get; }

    public int Count => Keys.Count;

    public bool Contains(string key) => entries.ContainsKey(key);

    /// <summary>The value under <paramref name="key"/>, or null.</summary>
    public GgufValue? Find(string key) => entries.TryGetValue(key, out var e) ? e.Value : null;

    /// <summary>Byte offset of the value (just after its type tag) in the file; -1 when the key is absent.</summary>
    public long OffsetOf(string key) => entries.TryGetValue(key, out var e) ? e.Offset : -1;

    /// <summary><c>general.architecture</c>, e.g. <c>llama</c>, <c>qwen3moe</c>, <c>gpt-oss</c>.</summary>
    public string? Architecture => String("general.architecture");

    /// <summary><c>general.name</c>, the model's display name when the converter wrote one.</summary>
    public string? Name => String("general.name");

    /// <summary>A string value (its text; null when absent or too long to keep).</summary>
    public string? String(string key)
    {
        var v = Expect(key, "a string", x => x.Type == GgufValueType.String);
        return v?.Text;
    }

    /// <summary>An integer value of any integer type.</summary>
    public long? Integer(string key)
    {
        var v = Expect(key, "an integer", x => x.IsInteger);
        if (v is null)
            return null;
        return v.AsInt64 ?? throw Error(key, $"expected an integer below 2^63, found {v}");
    }

    /// <summary>A numeric value (float or integer) as a double.</summary>
    public double? Number(string key) => Expect(key, "a number", x => x.AsDouble is not null)?.AsDouble;

    public bool? Bool(string key) => Expect(key, "a bool", x => x.Type == GgufValueType.Bool)?.AsBool;

    /// <summary>An array's element count (kept or not), e.g. <c>tokenizer.ggml.tokens</c>'s length, the vocabulary size.</summary>
    public long? ArrayLength(string key) => Expect(key, "an array", x => x.IsArray)?.Count;

    /// <summary>An integer array's elements; null when absent. Throws when it holds non-integers or was too long to keep.</summary>
    public IReadOnlyList<long>? IntegerArray(string key)
    {
        var v = Expect(key, "an array of integers", x => x.IsArray && GgufValueTypes.IsInteger(x.ElementType!.Value));
        if (v is null)
            return null;
        if (v.Items is null)
            throw Error(key, $"expected an array of at most {GgufLimits.MaxKeptNumericArrayElements} integers, found {v.Count}");
        var list = new long[v.Items.Count];
        for (int i = 0; i < list.Length; i++)
            list[i] = v.Items[i].AsInt64 ?? throw Error(key, $"expected integers below 2^63, found {v.Items[i]} at index {i}");
        return list;
    }

    /// <summary>An <see cref="InputException"/> at <paramref name="key"/>'s value: <c>FILE:OFFSET: KEY: PROBLEM</c>.</summary>
    public InputException Error(string key, string problem) =>
        entries.TryGetValue(key, out var e)
            ? InputException.AtOffset(SourceName, e.Offset, $"{key}: {problem}")
            : new InputException(SourceName, $"metadata '{key}'", problem);

    private GgufValue? Expect(string key, string what, Func<GgufValue, bool> matches)
    {
        if (!entries.TryGetValue(key, out var e))
            return null;
        if (!matches(e.Value))
            throw Error(key, $"expected {what}, found {Describe(e.Value)}");
        return e.Value;
    }

    private static string Describe(GgufValue v) => v.IsArray
        ? v.ToString()
        : $"{GgufValueTypes.Name(v.Type)} {v}";
}
