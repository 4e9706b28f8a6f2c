using System.Globalization;
using LlmSizer.Errors;

namespace LlmSizer.Hardware;

/// <summary>
/// Resolves what people type into devices: any catalog id, alias or name regardless of case, spaces and dashes
/// (<c>rtx-4090</c>, <c>4090</c>, <c>RTX 4090</c>, <c>NVIDIA GeForce RTX 4090</c>), a count before or after
/// (<c>h100x8</c>, <c>h100 x8</c>, <c>8xh100</c>, <c>h100×8</c>), or an inline <c>custom:</c> device. A name that could mean
/// several devices (<c>m4-max</c>, <c>a100</c>: memory decides the fit) or none is a <see cref="UsageException"/> listing the candidates.
/// </summary>
public sealed class DeviceIndex
{
    /// <summary>At most this many candidates are listed for an ambiguous name; more means the name is too short to be one.</summary>
    private const int MaxAmbiguous = 12;

    private readonly NameIndex<DeviceSpec> names;

    public DeviceIndex(IEnumerable<DeviceSpec> devices)
    {
        Devices = devices.GroupBy(d => d.Id).Select(g => g.Last()).ToList();
        names = new NameIndex<DeviceSpec>(Devices.Select(d => (d.Id, d, d.Aliases.Append(d.Name))));
    }

    /// <summary>The devices in catalog order (ids unique).</summary>
    public IReadOnlyList<DeviceSpec> Devices { get; }

    /// <summary>This index plus <paramref name="more"/>; a device with an id already present replaces the earlier one.</summary>
    public DeviceIndex With(IEnumerable<DeviceSpec> more)
    {
        var added = more.ToList();
        var ids = added.Select(d => d.Id).ToHashSet();
        return new DeviceIndex(Devices.Where(d => !ids.Contains(d.Id)).Concat(added));
    }

    /// <summary>The device <paramref name="name"/> names exactly (no count, no custom); null when none.</summary>
    public DeviceSpec? Find(string name) => names.Find(name);

    /// <summary>Ids near <paramref name="name"/>, best first, for "did you mean".</summary>
    public IReadOnlyList<string> Suggest(string name, int max = 3) => names.Suggest(name, max);

    /// <summary>The device and count <paramref name="text"/> names (count 1 when it gives none).</summary>
    public DeviceSelection Resolve(string text)
    {
        string t = text.Trim();
        if (t.Length == 0)
            throw new UsageException("empty device name; give one such as rtx-4090, h100x8 or custom:mem=24GiB,bw=1008GB/s,fp16=165TF");
        if (Device(t) is { } device)
            return new DeviceSelection(device, 1);
        var splits = CountSplit.Candidates(t).ToList();
        foreach (var split in splits)
            if ((Device(split.Name) ?? (split.NameWithX is { } withX ? Device(withX) : null)) is { } named)
                return new DeviceSelection(named, CheckedCount(split.Count, t));
        throw NotFound(splits.FirstOrDefault(s => s.Spaced)?.Name ?? t);
    }

    /// <summary><paramref name="count"/> of the device <paramref name="text"/> names; the text must then not give a count of its own.</summary>
    public DeviceSelection Resolve(string text, int count)
    {
        var selection = Resolve(text);
        if (Device(text.Trim()) is null)
            throw new UsageException($"device '{text.Trim()}' already gives a count; give it once");
        return selection with { Count = CheckedCount(count, text.Trim()) };
    }

    private DeviceSpec? Device(string name) => CustomDevice.IsCustom(name) ? CustomDevice.Parse(name) : names.Find(name);

    private static int CheckedCount(string digits, string text) =>
        int.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int count)
            ? CheckedCount(count, text)
            : throw new UsageException($"device count '{digits}' in '{text}' is too large");

    private static int CheckedCount(int count, string text) =>
        count >= 1 ? count : throw new UsageException($"device count must be at least 1, found {count} in '{text}'");

    private UsageException NotFound(string name)
    {
        var candidates = names.Completions(name);
        if (candidates.Count >= 2 && candidates.Count <= MaxAmbiguous)
            return new UsageException($"device '{Excerpt.Shorten(name)}' could be any of {candidates.Count}; name one: {string.Join(", ", candidates)}", candidates);
        var suggestions = candidates.Count == 1 ? candidates.Concat(names.Suggest(name)).Distinct().Take(3).ToList() : names.Suggest(name);
        return new UsageException(
            $"unknown device '{Excerpt.Shorten(name)}'; " + (suggestions.Count > 0
                ? $"did you mean {string.Join(", ", suggestions)}?"
                : "'llmsizer devices' lists the catalog, or describe it: custom:mem=24GiB,bw=1008GB/s,fp16=165TF"),
            suggestions);
    }

    /// <summary>A count written before or after a name: <c>h100x8</c>, <c>h100 × 8</c>, <c>8*h100</c>.</summary>
    /// <param name="NameWithX">For <c>mi300x8</c>, the name with the 'x' kept (<c>mi300x</c>), since names may end in x.</param>
    /// <param name="Spaced">The count stands apart (spaces, '×' or '*'), so it is surely a count even if the name is unknown.</param>
    private sealed record CountSplit(string Name, string Count, string? NameWithX, bool Spaced)
    {
        /// <summary>The count after the name, then the count before it, where the text has them (<c>2x4090</c> has both shapes).</summary>
        public static IEnumerable<CountSplit> Candidates(string t)
        {
            if (After(t) is { } after)
                yield return after;
            if (Before(t) is { } before)
                yield return before;
        }

        private static CountSplit? After(string t)
        {
            int end = t.Length;
            while (end > 0 && char.IsAsciiDigit(t[end - 1]))
                end--;
            if (end < t.Length && end > 0)
            {
                int sign = t[end - 1] is '-' or '+' ? end - 1 : end;
                var before = Separator(t, sign, backwards: true);
                if (before is { } b && b.At > 0)
                {
                    string name = t[..b.At].Trim();
                    string? withX = t[b.Sep] is 'x' or 'X' && !b.Spaced ? t[..(b.Sep + 1)] : null;
                    if (name.Length > 0)
                        return new CountSplit(name, t[sign..], withX, b.Spaced || t[b.Sep] is not ('x' or 'X'));
                }
            }
            return null;
        }

        private static CountSplit? Before(string t)
        {
            int start = 0;
            if (start < t.Length && t[start] is '-' or '+')
                start++;
            int digits = start;
            while (digits < t.Length && char.IsAsciiDigit(t[digits]))
                digits++;
            if (digits > start && Separator(t, digits, backwards: false) is { } a && a.At < t.Length)
                return new CountSplit(t[a.At..].Trim(), t[..digits], null, a.Spaced || t[a.Sep] is not ('x' or 'X'));
            return null;
        }

        /// <summary>
        /// A separator ('x', '×' or '*', with optional spaces) next to the count ending or starting at <paramref name="from"/>;
        /// At is where the name ends or begins, Spaced whether spaces part it from the name (<c>h100 x8</c>, not <c>rtx 4900</c>).
        /// </summary>
        private static (int At, int Sep, bool Spaced)? Separator(string t, int from, bool backwards)
        {
            int step = backwards ? -1 : 1;
            int i = backwards ? from - 1 : from;
            while (i >= 0 && i < t.Length && t[i] == ' ')
                i += step;
            if (i < 0 || i >= t.Length || t[i] is not ('x' or 'X' or '×' or '*'))
                return null;
            int sep = i;
            i += step;
            bool spaced = false;
            while (i >= 0 && i < t.Length && t[i] == ' ')
            {
                i += step;
                spaced = true;
            }
            return (backwards ? i + 1 : i, sep, spaced);
        }
    }
}
