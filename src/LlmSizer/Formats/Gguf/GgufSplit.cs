using System.Text.RegularExpressions;
using LlmSizer.Errors;

namespace LlmSizer.Formats.Gguf;

/// <summary>
/// Split models as llama.cpp's gguf-split writes them: parts named <c>PREFIX-00001-of-00003.gguf</c>, each holding
/// <c>split.no</c> (0-based), <c>split.count</c> and <c>split.tensors.count</c> (tensors in all parts); the first part
/// holds the model's metadata. Opening any part reads them all.
/// </summary>
internal static partial class GgufSplit
{
    public const string NumberKey = "split.no";
    public const string CountKey = "split.count";
    public const string TensorsKey = "split.tensors.count";

    [GeneratedRegex(@"^(?<prefix>.+)-(?<no>\d{5})-of-(?<count>\d{5})\.gguf$")]
    private static partial Regex PartName();

    /// <summary>Whether <paramref name="fileName"/> opens a model: a whole file, or part 1 of a split one (<c>-00001-of-N</c>).</summary>
    public static bool IsFirstPart(string fileName) =>
        PartName().Match(fileName) is not { Success: true } match || match.Groups["no"].Value == "00001";

    /// <summary>The headers of every part, in part order; just <paramref name="opened"/> for a single-file model.</summary>
    public static IReadOnlyList<GgufHeader> ReadParts(GgufHeader opened, SiblingOpener open)
    {
        var md = opened.Metadata;
        if (!md.Contains(CountKey))
            return [opened];
        int count = (int)Range(md, CountKey, 1, ushort.MaxValue);
        int number = md.Contains(NumberKey)
            ? (int)Range(md, NumberKey, 0, count - 1)
            : throw md.Error(NumberKey, $"expected the part number beside {CountKey}, found none");
        long tensors = md.Contains(TensorsKey)
            ? Range(md, TensorsKey, 0, GgufLimits.MaxTensors)
            : throw md.Error(TensorsKey, $"expected the total tensor count beside {CountKey}, found none");
        if (count == 1)
        {
            CheckTotal(md, tensors, opened.Tensors.Count, count);
            return [opened];
        }

        string fileName = FileName(opened.Name);
        var match = PartName().Match(fileName);
        string expected = $"-{number + 1:D5}-of-{count:D5}.gguf";
        if (!match.Success || !fileName.EndsWith(expected, StringComparison.Ordinal))
            throw md.Error(NumberKey, $"expected part {number + 1} of {count} to be named PREFIX{expected}, found \"{fileName}\"");
        string prefix = match.Groups["prefix"].Value;

        var parts = new GgufHeader[count];
        parts[number] = opened;
        long total = opened.Tensors.Count;
        for (int i = 0; i < count; i++)
        {
            if (i == number)
                continue;
            string sibling = $"{prefix}-{i + 1:D5}-of-{count:D5}.gguf";
            GgufHeader part;
            using (var source = OpenPart(opened.Name, open, sibling, i, count))
                part = GgufReader.Read(source);
            var pmd = part.Metadata;
            if (!pmd.Contains(NumberKey) || Range(pmd, NumberKey, 0, ushort.MaxValue) != i)
                throw pmd.Error(NumberKey, $"expected part number {i} (file {i + 1} of {count}), found {pmd.Find(NumberKey)?.ToString() ?? "none"}");
            if (!pmd.Contains(CountKey) || Range(pmd, CountKey, 1, ushort.MaxValue) != count)
                throw pmd.Error(CountKey, $"expected {count} parts, as {fileName} says, found {pmd.Find(CountKey)?.ToString() ?? "none"}");
            if (pmd.Contains(TensorsKey) && Range(pmd, TensorsKey, 0, GgufLimits.MaxTensors) != tensors)
                throw pmd.Error(TensorsKey, $"expected {tensors} tensors in all, as {fileName} says, found {pmd.Find(TensorsKey)}");
            total += part.Tensors.Count;
            if (total > tensors) // stop early: a hostile set of parts cannot pile up more than split.tensors.count tensors
                CheckTotal(md, tensors, total, count);
            parts[i] = part;
        }
        CheckTotal(md, tensors, total, count);
        return parts;
    }

    private static IByteSource OpenPart(string openedName, SiblingOpener open, string sibling, int index, int count)
    {
        try
        {
            return open(sibling);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InputException(openedName, "split", $"expected part {index + 1} of {count}, \"{sibling}\", beside it, found no such file");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(openedName, "split", $"expected part {index + 1} of {count}, \"{sibling}\", to be readable, found: {e.Message}");
        }
    }

    private static void CheckTotal(GgufMetadata md, long expected, long found, int count)
    {
        if (expected != found)
            throw md.Error(TensorsKey, $"expected {expected} tensors in the {count} part{(count == 1 ? "" : "s")} together, found {found}");
    }

    private static long Range(GgufMetadata md, string key, long min, long max)
    {
        long value = md.Integer(key)!.Value;
        if (value < min || value > max)
            throw md.Error(key, $"expected an integer from {min} to {max}, found {value}");
        return value;
    }

    /// <summary>The last path segment of a path or URL.</summary>
    private static string FileName(string name) => name[(name.LastIndexOfAny(['/', '\\']) + 1)..];
}
