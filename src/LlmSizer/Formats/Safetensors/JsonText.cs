using System.Text;
using System.Text.Json;

namespace LlmSizer.Formats.Safetensors;

/// <summary>
/// Helpers for messages about JSON read with <see cref="Utf8JsonReader"/>: what a token is and where a syntax error
/// lies, with excerpts kept short (<see cref="Excerpt"/>).
/// </summary>
internal static class JsonText
{

    /// <summary>The current token in words, with a short excerpt of its value ("a number 2.5", "a string \"x\"").</summary>
    public static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => $"a string \"{Excerpt(reader.ValueSpan)}\"",
        JsonTokenType.Number => $"the number {Excerpt(reader.ValueSpan)}",
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => "null",
        _ => "nothing",
    };


    /// <summary>Byte offset inside <paramref name="json"/> that a reader's <see cref="JsonException"/> points at.</summary>
    public static long OffsetOf(ReadOnlySpan<byte> json, JsonException e)
    {
        long line = e.LineNumber ?? 0, column = e.BytePositionInLine ?? 0;
        int start = 0;
        for (long l = 0; l < line; l++)
        {
            int next = json[start..].IndexOf((byte)'\n');
            if (next < 0)
                break;
            start += next + 1;
        }
        return Math.Min(json.Length, start + column);
    }

    /// <summary>The byte at <paramref name="offset"/> in words, for "found …".</summary>
    public static string DescribeByteAt(ReadOnlySpan<byte> json, long offset)
    {
        if (offset >= json.Length)
            return "the end of the text inside an unfinished value";
        byte b = json[(int)offset];
        return b is >= 0x21 and < 0x7F ? $"'{(char)b}'" : $"byte 0x{b:X2}";
    }

    /// <summary>The first bytes of a raw value as text: a hostile 50 MB literal is never decoded whole.</summary>
    private static string Excerpt(ReadOnlySpan<byte> raw) =>
        LlmSizer.Excerpt.Shorten(Encoding.UTF8.GetString(raw[..Math.Min(raw.Length, LlmSizer.Excerpt.MaxChars * 4)]));
}
