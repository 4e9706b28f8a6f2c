using LlmSizer.Errors;
using LlmSizer.Formats.HuggingFace;

namespace LlmSizer.Formats.Safetensors;

/// <summary>
/// A safetensors checkpoint read from its headers only: a single <c>.safetensors</c> file, a sharded one through its
/// <c>model.safetensors.index.json</c>, or every <c>.safetensors</c> file of a folder. The <see cref="Inventory"/> is
/// the ground truth for parameters (packed quantized weights counted as the values they hold) and stored bytes.
/// </summary>
/// <param name="Path">What was opened: the file, index or folder given.</param>
/// <param name="Index">The shard index, for sharded checkpoints.</param>
/// <param name="Files">The weight files read, in order.</param>
/// <param name="Inventory">Every tensor (format "safetensors"); for sharded checkpoints those the index lists.</param>
/// <param name="Quantization">The quantization stated beside the weights or recognised from tensor names; null when unquantized.</param>
/// <param name="Metadata">The files' <c>__metadata__</c> (e.g. <c>format: pt</c>), the first file's value where files differ.</param>
/// <param name="Config">The architecture from a <c>config.json</c> beside the weights, when there is one that reads cleanly.</param>
/// <param name="Notes">Everything assumed, tolerated or found inconsistent, one sentence each.</param>
public sealed record SafetensorsModel(
    string Path,
    SafetensorsIndex? Index,
    IReadOnlyList<SafetensorsFile> Files,
    TensorInventory Inventory,
    SafetensorsQuantization? Quantization,
    IReadOnlyDictionary<string, string> Metadata,
    HuggingFaceConfig? Config,
    IReadOnlyList<string> Notes)
{
    /// <summary>The index name transformers writes beside sharded weights.</summary>
    public const string IndexFileName = "model.safetensors.index.json";

    /// <summary>
    /// Opens <paramref name="path"/>: a <c>.safetensors</c> file, a <c>*.safetensors.index.json</c>, or a folder holding
    /// either. <c>config.json</c>, <c>quantize_config.json</c> and <c>quant_config.json</c> beside the weights are read
    /// when present. Throws <see cref="InputException"/> for anything unusable.
    /// </summary>
    public static SafetensorsModel Open(string path)
    {
        var notes = new List<string>();
        string folder;
        Func<SafetensorsQuantization?, SafetensorsModel> read;
        if (Directory.Exists(path))
        {
            folder = path;
            read = ChooseInFolder(path, notes);
        }
        else if (File.Exists(path))
        {
            folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? ".";
            read = q => ReadLocal(path, q);
        }
        else
        {
            throw new InputException(path, "file", "expected a .safetensors file, a model.safetensors.index.json or a folder holding them, found nothing at this path");
        }

        var quantization = QuantizationConfigReader.ReadFolder(folder, notes);
        var config = ReadConfig(folder, notes);
        var model = read(quantization);
        return model with { Path = path, Config = config, Notes = [.. notes, .. model.Notes] };
    }

    /// <summary>
    /// Reads from byte sources (local or remote): <paramref name="source"/> is an index when its name ends in
    /// <c>.json</c>, else a single <c>.safetensors</c> file; shards open through <paramref name="siblings"/> and are
    /// disposed here. <paramref name="quantization"/> is what the side files say, if the caller read them.
    /// </summary>
    public static SafetensorsModel Read(IByteSource source, SiblingOpener siblings, SafetensorsQuantization? quantization = null)
    {
        if (!source.Name.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            return Build(source.Name, null, [SafetensorsReader.Read(source)], quantization, []);
        var index = SafetensorsIndexReader.Read(source);
        var shards = ReadShards(index, siblings);
        return FromIndex(index, shards, quantization);
    }

    private static Func<SafetensorsQuantization?, SafetensorsModel> ChooseInFolder(string folder, List<string> notes)
    {
        string standard = System.IO.Path.Combine(folder, IndexFileName);
        if (File.Exists(standard))
            return q => ReadLocal(standard, q);
        var indexes = Directory.GetFiles(folder, "*.safetensors.index.json").Order(StringComparer.Ordinal).ToList();
        if (indexes.Count == 1)
            return q => ReadLocal(indexes[0], q);
        if (indexes.Count > 1)
            throw new InputException(folder, "folder", $"expected one safetensors index, found {indexes.Count}: "
                + string.Join(", ", indexes.Select(System.IO.Path.GetFileName)) + "; pass the one you mean");
        var files = Directory.GetFiles(folder, "*.safetensors").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
            throw new InputException(folder, "folder", "expected .safetensors files or a model.safetensors.index.json in it, found none");
        if (files.Count == 1)
            return q => ReadLocal(files[0], q);
        notes.Add($"no index in the folder: all {files.Count} .safetensors files are read as one model; if they hold the same weights twice, pass the file you mean");
        return q => ReadAll(folder, files, q);
    }

    private static SafetensorsModel ReadLocal(string path, SafetensorsQuantization? quantization)
    {
        using var source = OpenFile(path, path, "file", "expected a readable file");
        return Read(source, FileByteSource.SiblingsOf(path), quantization);
    }

    private static SafetensorsModel ReadAll(string folder, IReadOnlyList<string> files, SafetensorsQuantization? quantization)
    {
        var headers = ReadConcurrently(files.Count, i =>
        {
            using var source = OpenFile(files[i], files[i], "file", "expected a readable file");
            return SafetensorsReader.Read(source);
        });
        var owner = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var h in headers)
            foreach (var t in h.Tensors)
                if (!owner.TryAdd(t.Name, h.Source))
                    throw new InputException(h.Source, $"tensor '{Excerpt.Shorten(t.Name)}'",
                        $"expected each tensor in one file of the folder, found it in {owner[t.Name]} too");
        return Build(folder, null, headers, quantization, []);
    }

    private static IByteSource OpenFile(string path, string source, string location, string expected)
    {
        try
        {
            return new FileByteSource(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InputException(source, location, $"{expected}, found no such file");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(source, location, $"{expected}, found it unreadable ({e.Message})");
        }
    }

    private static IReadOnlyList<SafetensorsHeader> ReadShards(SafetensorsIndex index, SiblingOpener siblings)
    {
        var firstTensor = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (tensor, shard) in index.WeightMap)
            firstTensor.TryAdd(shard, tensor);
        return ReadConcurrently(index.Shards.Count, i =>
        {
            string shard = index.Shards[i];
            IByteSource source;
            string location = $"weight_map '{Excerpt.Shorten(firstTensor[shard])}'";
            try
            {
                source = siblings(shard);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                throw new InputException(index.Source, location, $"expected the shard file \"{shard}\" beside the index, found no such file");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InputException(index.Source, location, $"expected the shard file \"{shard}\" to be readable, found an error ({e.Message})");
            }
            using (source)
                return SafetensorsReader.Read(source);
        });
    }

    /// <summary>
    /// Runs <paramref name="read"/> for 0..count-1 on several threads (shard headers are independent reads); the
    /// lowest-numbered failure is rethrown, so the error reported does not depend on thread timing.
    /// </summary>
    private static SafetensorsHeader[] ReadConcurrently(int count, Func<int, SafetensorsHeader> read)
    {
        var results = new SafetensorsHeader[count];
        var errors = new Exception?[count];
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Math.Min(8, Environment.ProcessorCount) }, (i, loop) =>
        {
            try
            {
                results[i] = read(i);
            }
            catch (Exception e)
            {
                errors[i] = e;
                // Break, not Stop: every lower index still runs, so the lowest failure is found whatever the timing,
                // and none of the higher ones not yet started is tried.
                loop.Break();
            }
        });
        if (errors.FirstOrDefault(e => e is not null) is { } first)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        return results;
    }

    private static SafetensorsModel FromIndex(SafetensorsIndex index, IReadOnlyList<SafetensorsHeader> shards, SafetensorsQuantization? quantization)
    {
        var notes = new List<string>(index.Notes);
        var shardOf = new Dictionary<string, string>(index.WeightMap.Count, StringComparer.Ordinal);
        foreach (var (tensor, shard) in index.WeightMap)
            shardOf[tensor] = shard;
        var names = shards.Select(h => h.Tensors.Select(t => t.Name).ToHashSet(StringComparer.Ordinal)).ToList();
        var shardNumber = index.Shards.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i, StringComparer.Ordinal);
        foreach (var (tensor, shard) in index.WeightMap)
            if (!names[shardNumber[shard]].Contains(tensor))
                throw new InputException(index.Source, $"weight_map '{Excerpt.Shorten(tensor)}'",
                    $"expected the tensor in \"{shard}\", found no tensor of that name there");

        // Loaders take what the weight_map lists, from the shard it names; anything else in the shards is never loaded.
        var kept = shards.Select((h, i) => h with
        {
            Tensors = h.Tensors.Where(t => shardOf.GetValueOrDefault(t.Name) == index.Shards[i]).ToList(),
        }).ToList();
        var unlisted = shards.SelectMany((h, i) => h.Tensors.Where(t => shardOf.GetValueOrDefault(t.Name) != index.Shards[i])).ToList();
        if (unlisted.Count > 0)
            notes.Add($"{unlisted.Count} tensor{(unlisted.Count == 1 ? "" : "s")} stored in the shards but not listed there by the index "
                + $"(e.g. '{Excerpt.Shorten(unlisted[0].Name)}' in {unlisted[0].File}) are left out, as loaders skip them");
        long bytes = kept.Sum(h => h.Tensors.Sum(t => t.Bytes));
        if (index.TotalSize is { } total && total != bytes)
            notes.Add($"the index's total_size says {total:N0} bytes; the tensors it lists hold {bytes:N0} (difference {bytes - total:+#,0;-#,0})");
        return Build(index.Source, index, kept, quantization, notes, shards);
    }

    private static SafetensorsModel Build(string path, SafetensorsIndex? index, IReadOnlyList<SafetensorsHeader> headers,
        SafetensorsQuantization? quantization, IReadOnlyList<string> earlierNotes, IReadOnlyList<SafetensorsHeader>? asRead = null)
    {
        var notes = new List<string>(earlierNotes);
        var read = asRead ?? headers;
        foreach (var h in read)
            notes.AddRange(h.Notes);

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var h in read)
            foreach (var (key, value) in h.Metadata)
                if (!metadata.TryAdd(key, value) && metadata[key] != value)
                    notes.Add($"__metadata__ '{Excerpt.Shorten(key)}' differs between files (\"{Excerpt.Shorten(metadata[key])}\" and \"{Excerpt.Shorten(value)}\"); the first is kept");

        var interpreted = PackedTensorInterpreter.Interpret(headers.SelectMany(h => h.Tensors).ToList(), quantization);
        notes.AddRange(interpreted.Notes);
        var files = read.Select(h => new SafetensorsFile(h.Source, h.FileLength, h.DataStart, h.Tensors.Count)).ToList();
        return new SafetensorsModel(path, index, files, new TensorInventory("safetensors", interpreted.Tensors),
            interpreted.Quantization, metadata, null, notes);
    }

    private static HuggingFaceConfig? ReadConfig(string folder, List<string> notes)
    {
        string path = System.IO.Path.Combine(folder, "config.json");
        if (!File.Exists(path))
            return null;
        try
        {
            return HuggingFaceConfigReader.ReadFile(path);
        }
        catch (InputException e)
        {
            notes.Add($"config.json beside the weights was not used for the architecture: {e.Location}: {e.Problem}");
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            notes.Add($"config.json beside the weights could not be read ({e.Message})");
            return null;
        }
    }
}
