using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using LlmSizer.Errors;
using LlmSizer.Formats.Gguf;
using LlmSizer.Formats.HuggingFace;
using LlmSizer.Formats.Safetensors;
using LlmSizer.Models;

namespace LlmSizer.Formats.Uploads;

/// <summary>
/// A model from files dropped on the web page, read from the first bytes of each (the header) and each file's full
/// size: one config.json; one <c>.gguf</c> file or every part of a split one; or <c>.safetensors</c> shards with
/// <c>model.safetensors.index.json</c> when there are several, and optionally config.json (architecture and
/// <c>quantization_config</c>) and quantize_config.json / quant_config.json. The result is the same
/// <see cref="ModelSource"/> the files on disk give, with origin <see cref="ModelOrigin.Upload"/> and id
/// <see cref="UploadId"/>.
/// </summary>
public static class UploadedModel
{
    /// <summary>
    /// Reads the model the uploads hold. Throws <see cref="UsageException"/> for a bad set of files (names, counts,
    /// sizes, kinds), <see cref="HeaderIncompleteException"/> when a header continues past the bytes sent, and
    /// <see cref="InputException"/> for unreadable content.
    /// </summary>
    public static ModelSource Open(IReadOnlyList<HeaderUpload> files)
    {
        var set = UploadSet.Check(files);
        string id = UploadId(files);
        var notes = new List<string>
        {
            $"uploaded: {files.Count} file{(files.Count == 1 ? "" : "s")}, read from the first {files.Sum(f => (long)f.Prefix.Length):N0} bytes sent of {files.Sum(f => f.Length):N0}",
        };
        if (set.Gguf.Count > 0)
            return OpenGguf(set, id, notes);
        if (set.Safetensors.Count > 0)
            return OpenSafetensors(set, id, notes);
        if (set.Indexes.Count > 0)
            throw new UsageException($"file '{set.Indexes[0].FileName}': expected the .safetensors shards it lists uploaded with it, found none");
        if (set.Config is not { } config)
            throw new UsageException($"file '{set.SideFiles[0].FileName}': expected it beside .safetensors files, found none; upload config.json, a .gguf file or .safetensors files");
        if (set.SideFiles.Count > 1)
            throw new UsageException($"file '{set.SideFiles.First(f => f != config).FileName}': expected it beside .safetensors files, found only config.json");
        var source = new PrefixByteSource(config);
        var parsed = HuggingFaceConfigReader.Parse(source.ReadWhole(HuggingFaceConfigReader.MaxConfigBytes, "a config.json"), config.FileName);
        return ModelSource.FromConfig(parsed, id, config.FileName, ModelOrigin.Upload, new SourceFile(config.FileName, "config.json", config.Length), notes);
    }

    /// <summary>
    /// "upload:" and the first 16 hex digits (lower case) of the SHA-256 of the files in name order (ordinal), each as
    /// its UTF-8 name's byte count (int32), the name, its length (int64), its prefix's byte count (int64) and the
    /// prefix, integers little-endian: the same uploads give the same id, whatever order they came in.
    /// </summary>
    public static string UploadId(IReadOnlyList<HeaderUpload> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[8];
        foreach (var file in files.OrderBy(f => f.FileName, StringComparer.Ordinal))
        {
            byte[] name = Encoding.UTF8.GetBytes(file.FileName);
            BinaryPrimitives.WriteInt32LittleEndian(number, name.Length);
            hash.AppendData(number[..4]);
            hash.AppendData(name);
            BinaryPrimitives.WriteInt64LittleEndian(number, file.Length);
            hash.AppendData(number);
            BinaryPrimitives.WriteInt64LittleEndian(number, file.Prefix.Length);
            hash.AppendData(number);
            hash.AppendData(file.Prefix.Span);
        }
        return "upload:" + Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    private static ModelSource OpenGguf(UploadSet set, string id, List<string> notes)
    {
        if (set.Safetensors.Count + set.Indexes.Count + set.SideFiles.Count > 0)
        {
            string other = set.Safetensors.Concat(set.Indexes).Concat(set.SideFiles).First().FileName;
            throw new UsageException($"file '{other}': expected only .gguf files with a GGUF model (its metadata holds the architecture), found this one too");
        }
        var firsts = set.Gguf.Where(f => GgufSplit.IsFirstPart(f.FileName)).ToList();
        if (firsts.Count > 1)
            throw new UsageException($"the uploads hold {firsts.Count} GGUF models ({string.Join(", ", firsts.Select(f => f.FileName))}): expected one (all parts of a split one)");
        // With no part 1 among the uploads, opening any part makes the split reader name the missing one.
        var first = firsts.Count == 1 ? firsts[0] : set.Gguf[0];
        GgufModel gguf;
        using (var source = new PrefixByteSource(first))
            gguf = GgufModel.Open(source, set.Open);
        var read = gguf.Files.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        if (set.Gguf.FirstOrDefault(f => !read.Contains(f.FileName)) is { } extra)
            throw new UsageException($"file '{extra.FileName}': expected only the parts of {first.FileName}, found this file too");
        return ModelSource.FromGguf(gguf, id, first.FileName, ModelOrigin.Upload, notes);
    }

    private static ModelSource OpenSafetensors(UploadSet set, string id, List<string> notes)
    {
        if (set.Indexes.Count > 1)
            throw new UsageException($"the uploads hold {set.Indexes.Count} safetensors indexes ({string.Join(", ", set.Indexes.Select(f => f.FileName))}): expected one");
        if (set.Indexes.Count == 0 && set.Safetensors.Count > 1)
            throw new UsageException($"{set.Safetensors.Count} .safetensors files uploaded: expected {SafetensorsModel.IndexFileName} with them, to say which shard holds which tensor");

        HuggingFaceConfig? config = null;
        if (set.Config is { } configFile)
            config = ModelSource.ConfigBesideWeights(
                new PrefixByteSource(configFile).ReadWhole(HuggingFaceConfigReader.MaxConfigBytes, "a config.json"), configFile.FileName, notes);
        SafetensorsQuantization? quantization = null;
        foreach (string name in QuantizationConfigReader.FileNames)
            if (quantization is null && set.Find(name) is { } side)
                quantization = QuantizationConfigReader.Parse(
                    new PrefixByteSource(side).ReadWhole(QuantizationConfigReader.MaxFileBytes, $"a {name}"), side.FileName, notes);

        var first = set.Indexes.Count == 1 ? set.Indexes[0] : set.Safetensors[0];
        SafetensorsModel st;
        using (var source = new PrefixByteSource(first))
            st = SafetensorsModel.Read(source, set.Open, quantization) with { Config = config };
        var read = st.Files.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var unread in set.Safetensors.Where(f => !read.Contains(f.FileName)))
            notes.Add($"{unread.FileName} was uploaded but {first.FileName} does not list it; not read");
        return ModelSource.FromSafetensors(st, id, first.FileName, ModelOrigin.Upload, notes);
    }
}
