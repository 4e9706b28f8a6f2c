namespace LlmSizer;

/// <summary>
/// User text quoted in a message, kept short: a hostile 30 KB device name or 50 MB tensor name must not flood an error
/// line (both found or guarded against when fuzzing).
/// </summary>
public static class Excerpt
{
    /// <summary>Characters kept before "…".</summary>
    public const int MaxChars = 80;

    /// <summary><paramref name="text"/> cut to <see cref="MaxChars"/> characters, control characters replaced by '?'.</summary>
    public static string Shorten(string text)
    {
        string s = text.Length <= MaxChars ? text : text[..MaxChars] + "…";
        return s.Any(char.IsControl) ? new string(s.Select(c => char.IsControl(c) ? '?' : c).ToArray()) : s;
    }
}
