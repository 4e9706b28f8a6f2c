using LlmSizer.Errors;
using LlmSizer.Models;

namespace LlmSizer.Formats.Gguf;

/// <summary>
/// A GGUF model read from its header(s): the files, the metadata, every tensor (exact parameters and bytes) and,
/// for the architectures llama.cpp writes most, the <see cref="ModelSpec"/> its metadata describes.
/// Nothing but the headers is read. Split models (<c>NAME-00001-of-00003.gguf</c>) are read as one from any part.
/// </summary>
/// <param name="Files">Each file of the model, in part order.</param>
/// <param name="Metadata">The metadata of the first part (gguf-split puts the model's metadata there).</param>
/// <param name="Inventory">Every tensor of every part: format "gguf"; <see cref="TensorInfo.Shape"/> lists dimensions outermost first
/// (GGUF stores them innermost first); rope frequency tables are buffers, not parameters.</param>
/// <param name="Spec">The architecture from the metadata; null for an architecture not mapped (see <see cref="Notes"/>).</param>
/// <param name="Notes">What was assumed, derived from tensors, or left unmapped.</param>
public sealed record GgufModel(
    IReadOnlyList<GgufFile> Files,
    GgufMetadata Metadata,
    TensorInventory Inventory,
    ModelSpec? Spec,
    IReadOnlyList<string> Notes)
{
    /// <summary>The <c>general.architecture</c> values mapped to a <see cref="ModelSpec"/>, as llama.cpp spells them.</summary>
    public static IReadOnlyList<string> SupportedArchitectures => GgufSpecMapping.SupportedArchitectures;

    /// <summary><c>general.architecture</c>, e.g. <c>llama</c>; null when absent.</summary>
    public string? Architecture => Metadata.Architecture;

    /// <summary>Reads the GGUF file at <paramref name="path"/>, and its sibling parts if it is one part of a split model.</summary>
    public static GgufModel Open(string path)
    {
        if (!File.Exists(path))
            throw new InputException(path, "file", "expected a GGUF file, found nothing at this path");
        using var source = new FileByteSource(path);
        return Open(source, FileByteSource.SiblingsOf(path));
    }

    /// <summary>
    /// Reads a GGUF model from <paramref name="first"/> (any part of a split model); sibling parts are opened
    /// by file name through <paramref name="siblings"/> and disposed after reading. The caller keeps <paramref name="first"/>.
    /// </summary>
    public static GgufModel Open(IByteSource first, SiblingOpener siblings)
    {
        var opened = GgufReader.Read(first);
        var parts = GgufSplit.ReadParts(opened, siblings);
        var notes = new List<string>();
        if (parts.Count > 1)
            notes.Add($"split model: {parts.Count} files read as one");

        foreach (var part in parts)
            if (PackingGap(part) is { } gap)
                notes.Add(gap);

        var tensors = new Dictionary<string, GgufTensor>(StringComparer.Ordinal);
        var owner = new Dictionary<string, string>(StringComparer.Ordinal);
        var infos = new List<TensorInfo>(parts.Sum(p => p.Tensors.Count));
        foreach (var part in parts)
        {
            foreach (var t in part.Tensors)
            {
                if (!tensors.TryAdd(t.Name, t))
                    throw InputException.AtOffset(part.Name, t.InfoOffset,
                        $"expected unique tensor names across the split parts, found \"{t.Name}\" in {owner[t.Name]} too");
                owner[t.Name] = part.Name;
                infos.Add(ToTensorInfo(t));
            }
        }
        var buffers = infos.Where(t => t.Role == TensorRole.Buffer).ToList();
        if (buffers.Count > 0)
            notes.Add($"{string.Join(", ", buffers.Take(3).Select(b => $"{b.Name} ({b.Elements} values)"))}"
                + (buffers.Count > 3 ? $" and {buffers.Count - 3} more" : "")
                + $" {(buffers.Count == 1 ? "holds" : "hold")} RoPE frequency factors, not parameters; not counted");
        var inventory = new TensorInventory("gguf", infos);

        var metadata = parts[0].Metadata;
        var spec = GgufSpecMapping.Map(metadata, tensors, notes);
        if (spec is not null)
        {
            long counted = ParameterCounter.Count(spec).Total;
            if (counted != inventory.Parameters)
                notes.Add($"the architecture in the metadata counts {counted:N0} parameters but the tensors hold {inventory.Parameters:N0}; the tensors are exact");
        }

        var files = parts.Select(p => new GgufFile(p.Name, p.Length, p.Version, p.Tensors.Count, p.DataOffset)).ToList();
        return new GgufModel(files, metadata, inventory, spec, notes);
    }

    /// <summary>
    /// ggml's loader wants each tensor's data right after the previous one's (in tensor-info order, each padded to the
    /// alignment) and refuses other layouts; the sizes are still exact, so this is a note, not an error.
    /// </summary>
    private static string? PackingGap(GgufHeader header)
    {
        long expected = 0;
        foreach (var t in header.Tensors)
        {
            if (t.Offset != expected)
                return $"{header.Name}: \"{t.Name}\" starts at data offset {t.Offset} where ggml expects {expected} (tensors packed in order); llama.cpp refuses such a file";
            expected += (t.Bytes + header.Alignment - 1) / header.Alignment * header.Alignment;
        }
        return null;
    }

    private static TensorInfo ToTensorInfo(GgufTensor t)
    {
        bool buffer = TensorClassifier.IsBuffer(t.Name);
        var shape = new long[t.Dimensions.Count];
        for (int i = 0; i < shape.Length; i++)
            shape[i] = t.Dimensions[shape.Length - 1 - i];
        return new TensorInfo(t.Name, shape, t.Type.Name, t.Elements, buffer ? 0 : t.Elements, t.Bytes,
            buffer ? TensorRole.Buffer : TensorRole.Weight, TensorClassifier.Classify(t.Name));
    }
}
