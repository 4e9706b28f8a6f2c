using System.Globalization;
using System.Text;
using System.Text.Json;
using LlmSizer.Errors;

namespace LlmSizer.Sampling;

/// <summary>
/// Reads a distribution from a file: a JSON array of numbers (token ids 0…n−1), a JSON object <c>{"token": number}</c>
/// (ids in file order), or CSV lines <c>token,number</c> (an optional header; blank lines and lines starting with '#'
/// skipped; the number after the last comma; a token may be quoted to keep spaces or commas). Numbers are logits, or
/// probabilities when asked. Problems are <see cref="InputException"/>s naming the file, the line and column, and what was
/// expected. Files over <see cref="MaxBytes"/> are refused before reading, so contents never size an allocation.
/// </summary>
public static class LogitsFile
{
    /// <summary>64 MiB: a 256k-token vocabulary as CSV is about 6 MB.</summary>
    public const long MaxBytes = 64L << 20;

    public static TokenLogits Read(string path, bool probabilities)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
            throw new InputException(path, "file", "not found");
        if (info.Length > MaxBytes)
            throw new InputException(path, "file", $"{info.Length:N0} bytes; expected at most {MaxBytes:N0} (64 MiB)");
        return Parse(File.ReadAllBytes(path), path, probabilities);
    }

    /// <summary>Parses <paramref name="bytes"/> (UTF-8) as <paramref name="source"/>.</summary>
    public static TokenLogits Parse(byte[] bytes, string source, bool probabilities)
    {
        int start = bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
        int first = start;
        while (first < bytes.Length && bytes[first] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            first++;
        if (first == bytes.Length)
            throw new InputException(source, "file", "empty; expected a JSON array of logits, a JSON object {token: logit} or CSV lines token,logit");
        var (values, names) = bytes[first] is (byte)'[' or (byte)'{'
            ? ReadJson(bytes.AsSpan(start), source, probabilities)
            : ReadCsv(Encoding.UTF8.GetString(bytes, start, bytes.Length - start), source, probabilities);
        if (values.Count == 0)
            throw new InputException(source, "file", "no tokens; expected at least one");
        if (probabilities && values.All(v => v == 0))
            throw new InputException(source, "file", "every probability is 0; expected at least one positive");
        return probabilities ? TokenLogits.FromProbabilities(values, names) : TokenLogits.FromLogits(values, names);
    }

    private static (List<double>, List<string>?) ReadJson(ReadOnlySpan<byte> json, string source, bool probabilities)
    {
        var values = new List<double>();
        List<string>? names = null;
        HashSet<string>? seen = null;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var jsonCopy = json.ToArray();
        string At(long offset) => Position(jsonCopy, offset);
        try
        {
            reader.Read();
            bool isObject = reader.TokenType == JsonTokenType.StartObject;
            if (isObject)
            {
                names = [];
                seen = new HashSet<string>(StringComparer.Ordinal);
            }
            var end = isObject ? JsonTokenType.EndObject : JsonTokenType.EndArray;
            while (reader.Read() && reader.TokenType != end)
            {
                if (isObject)
                {
                    string name;
                    try
                    {
                        name = reader.GetString()!;
                    }
                    catch (InvalidOperationException)
                    {
                        // The reader passes such a name; decoding it is what fails (found by the fuzzer, fuzz/regressions/logits).
                        throw new InputException(source, At(reader.TokenStartIndex), "expected a token in UTF-8 text, found invalid bytes or a lone surrogate escape");
                    }
                    if (!seen!.Add(name))
                        throw new InputException(source, At(reader.TokenStartIndex), $"token '{name}' appears twice; expected each token once");
                    names!.Add(name);
                    reader.Read();
                }
                if (reader.TokenType != JsonTokenType.Number)
                    throw new InputException(source, At(reader.TokenStartIndex), $"expected a number, found {Describe(reader.TokenType)}");
                string what = isObject ? $"token '{names![^1]}'" : $"token {values.Count}";
                if (!reader.TryGetDouble(out double value))
                    throw new InputException(source, At(reader.TokenStartIndex), $"{what}: number out of range; expected a finite {Kind(probabilities)}");
                values.Add(Check(value, source, At(reader.TokenStartIndex), what, probabilities));
            }
            // Reading on makes the reader reject anything after the value (it throws for a second value or stray text).
            reader.Read();
        }
        catch (JsonException e)
        {
            throw new InputException(source, $"line {(e.LineNumber ?? 0) + 1}, column {(e.BytePositionInLine ?? 0) + 1}", $"not valid JSON ({FirstSentence(e.Message)})");
        }
        return (values, names);
    }

    private static (List<double>, List<string>?) ReadCsv(string text, string source, bool probabilities)
    {
        var values = new List<double>();
        var names = new List<string>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        string[] lines = text.Split('\n');
        bool first = true;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            string where = $"line {i + 1}";
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
                continue;
            int comma = line.LastIndexOf(',');
            if (comma < 0)
                throw new InputException(source, where, $"'{Clip(line)}': expected token,{Kind(probabilities)}");
            string token = Unquote(line[..comma]);
            string number = line[(comma + 1)..].Trim();
            bool parsed = double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value);
            if (first && !parsed)
            {
                first = false;
                continue; // a header such as token,logit
            }
            first = false;
            if (!parsed)
                throw new InputException(source, $"{where}, column {comma + 2}", $"'{Clip(number)}': expected a {Kind(probabilities)}");
            if (seen.TryGetValue(token, out int earlier))
                throw new InputException(source, where, $"token '{token}' appears twice (line {earlier}); expected each token once");
            seen[token] = i + 1;
            names.Add(token);
            values.Add(Check(value, source, $"{where}, column {comma + 2}", $"token '{token}'", probabilities));
        }
        return (values, names);
    }

    private static double Check(double value, string source, string where, string what, bool probabilities)
    {
        if (!double.IsFinite(value))
            throw new InputException(source, where, $"{what}: {value.ToString(CultureInfo.InvariantCulture)} is not a finite number; expected a finite {Kind(probabilities)}");
        if (probabilities && value < 0)
            throw new InputException(source, where, $"{what}: probability {value.ToString(CultureInfo.InvariantCulture)} is negative; expected ≥ 0");
        return value;
    }

    private static string Unquote(string field)
    {
        string t = field.Trim();
        return t.Length >= 2 && t[0] == '"' && t[^1] == '"' ? t[1..^1].Replace("\"\"", "\"") : t;
    }

    private static string Kind(bool probabilities) => probabilities ? "probability" : "logit";

    private static string Position(byte[] json, long offset)
    {
        int line = 1, column = 1;
        for (long i = 0; i < offset && i < json.Length; i++)
        {
            if (json[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }
        return $"line {line}, column {column}";
    }

    private static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => type.ToString(),
    };

    private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";

    private static string FirstSentence(string message)
    {
        int dot = message.IndexOf(". ", StringComparison.Ordinal);
        return dot > 0 ? message[..dot] : message.TrimEnd('.');
    }
}
