using System.Text;
using System.Text.RegularExpressions;
using LlmSizer.Errors;
using LlmSizer.Units;

namespace LlmSizer.Requests;

/// <summary>
/// Names request fields in a <see cref="FieldStyle"/> and reads the values every request shares (sizes, on/off, counts), so the
/// command line says <c>--kv-type 'x': expected …</c> where the web API says <c>kvType 'x': expected …</c> from the same code.
/// Bad values are <see cref="UsageException"/>s whose <see cref="UsageException.Field"/> is the camelCase name.
/// </summary>
public static partial class RequestFields
{
    /// <summary>
    /// Every field of the requests, camelCase. <see cref="Restyle"/> rewrites only these, so the llama.cpp and vLLM flags the
    /// library's notes quote (<c>--n-cpu-moe</c>, <c>--kv-cache-dtype</c>) stay as they are.
    /// </summary>
    private static readonly HashSet<string> Known =
    [
        "engine", "weights", "context", "batch", "ubatch", "batchTokens", "kvType", "kvTypeV", "flashAttention", "mmap", "gpuLayers",
        "cpuMoeLayers", "gpuMemoryUtilization", "maxBatchedTokens", "gpuMemory", "tp",
        "device", "count", "ram", "storage", "cpu", "margin", "tiers",
        "method", "optimizer", "precision", "loraRank", "loraTargets", "seq", "microBatch", "gradAccum", "recompute", "attention",
        "chunkedLoss", "optimizerInBackward", "zero", "offload", "offloadDevice", "pp", "ep", "sequenceParallel", "gpus",
        "gpusPerNode", "tokens", "mfu", "price",
        "temperature", "topK", "topP", "minP", "typicalP", "repetitionPenalty", "presencePenalty", "frequencyPenalty",
        "previousTokens", "draws", "seed", "show",
        "filter", "family", "min", "max", "kind",
    ];

    /// <summary><paramref name="camelName"/> (<c>kvType</c>) as <paramref name="style"/> writes it: <c>--kv-type</c> or <c>kvType</c>.</summary>
    public static string Name(string camelName, FieldStyle style)
    {
        if (style == FieldStyle.Query)
            return camelName;
        var kebab = new StringBuilder("--", camelName.Length + 6);
        foreach (char c in camelName)
        {
            if (char.IsAsciiLetterUpper(c))
                kebab.Append('-').Append(char.ToLowerInvariant(c));
            else
                kebab.Append(c);
        }
        return kebab.ToString();
    }

    /// <summary>A size such as <c>80GB</c> (10^9 bytes) or <c>24GiB</c> (2^30 bytes), in bytes; null when not given; zero or less is an error.</summary>
    public static long? Size(string? text, string camelName, FieldStyle style) => text is null ? null
        : ByteSize.TryParse(text, out long bytes) && bytes > 0 ? bytes
        : throw Error(camelName, $"{Name(camelName, style)} '{text}': expected a size such as 80GB or 24GiB");

    /// <summary><c>on</c>/<c>true</c>/<c>1</c> or <c>off</c>/<c>false</c>/<c>0</c> (any case); null when not given.</summary>
    /// <param name="expected">What the message says is accepted, for fields that take a third word (<c>on, off or auto</c>).</param>
    public static bool? OnOff(string? text, string camelName, FieldStyle style, string expected = "on or off") => text?.Trim().ToLowerInvariant() switch
    {
        null => null,
        "on" or "true" or "1" => true,
        "off" or "false" or "0" => false,
        _ => throw Error(camelName, $"{Name(camelName, style)} '{text}': expected {expected}"),
    };

    /// <summary><paramref name="value"/> when it is null or above 0; else an error naming the field.</summary>
    public static int? Positive(int? value, string camelName, FieldStyle style) =>
        value is <= 0 ? throw Error(camelName, $"{Name(camelName, style)}: expected a positive number, found {value}") : value;

    /// <summary><paramref name="value"/> when it is null or 0 and above; else an error naming the field.</summary>
    public static int? NonNegative(int? value, string camelName, FieldStyle style) =>
        value is < 0 ? throw Error(camelName, $"{Name(camelName, style)}: expected 0 or more, found {value}") : value;

    /// <summary>
    /// <paramref name="message"/> with every request field it names as an option (<c>--gpu-layers</c>) written in
    /// <paramref name="style"/> (<c>gpuLayers</c>). The estimators' own checks name command-line options, as most of their users
    /// type them; a web front end passes their messages through this rather than each check taking a style.
    /// </summary>
    public static string Restyle(string message, FieldStyle style) => style == FieldStyle.Cli ? message
        : OptionPattern().Replace(message, m => CamelOf(m.Groups["kebab"].Value) is var camel && Known.Contains(camel) ? Name(camel, style) : m.Value);

    /// <summary>A usage error about <paramref name="camelName"/> alone.</summary>
    internal static UsageException Error(string camelName, string message, IReadOnlyList<string>? suggestions = null) =>
        new(message, suggestions, camelName);

    /// <summary>Runs <paramref name="resolve"/>, marking a usage error that names no field as being about <paramref name="camelName"/>.</summary>
    internal static T About<T>(string camelName, Func<T> resolve)
    {
        try
        {
            return resolve();
        }
        catch (UsageException e) when (e.Field is null)
        {
            throw new UsageException(e.Message, e.Suggestions, camelName);
        }
    }

    /// <summary>Runs <paramref name="run"/>, restyling the usage errors of the library's checks it calls (<see cref="Restyle"/>).</summary>
    internal static T Styled<T>(FieldStyle style, Func<T> run)
    {
        if (style == FieldStyle.Cli)
            return run();
        try
        {
            return run();
        }
        catch (UsageException e)
        {
            throw new UsageException(Restyle(e.Message, style), e.Suggestions, e.Field);
        }
    }

    private static string CamelOf(string kebab)
    {
        var camel = new StringBuilder(kebab.Length);
        for (int i = 0; i < kebab.Length; i++)
            camel.Append(kebab[i] == '-' && i + 1 < kebab.Length ? char.ToUpperInvariant(kebab[++i]) : kebab[i]);
        return camel.ToString();
    }

    /// <summary>An option as messages write it: two dashes and kebab-case words, not inside a longer word.</summary>
    [GeneratedRegex(@"(?<![\w-])--(?<kebab>[a-z][a-z0-9]*(?:-[a-z0-9]+)*)")]
    private static partial Regex OptionPattern();
}
