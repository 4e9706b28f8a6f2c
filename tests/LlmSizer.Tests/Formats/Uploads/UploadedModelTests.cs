using System.Buffers.Binary;
using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Formats.Gguf;
using LlmSizer.Formats.Uploads;
using LlmSizer.Models;
using LlmSizer.Reports;
using LlmSizer.Tests.Support;
using Xunit;

namespace LlmSizer.Tests.Formats.Uploads;

/// <summary>
/// Models from files dropped on the web page: only each file's first bytes and its full size arrive, and the model
/// must read exactly as the same files on disk do (<see cref="ModelSource.Open"/> is the reference).
/// </summary>
public class UploadedModelTests
{
    // Qwen/Qwen2.5-0.5B: 494,032,768 parameters (Hugging Face's count; GgufArchitectureTests checks the GGUF shape against it).
    private const long Qwen05BParameters = 494_032_768;

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "configs", name);

    /// <summary>The file's first <paramref name="bytes"/> bytes (all of it when shorter), with its full length.</summary>
    private static HeaderUpload Upload(string path, long bytes)
    {
        using var stream = File.OpenRead(path);
        var prefix = new byte[Math.Min(bytes, stream.Length)];
        stream.ReadExactly(prefix);
        return new HeaderUpload(Path.GetFileName(path), stream.Length, prefix);
    }

    private static HeaderUpload Whole(string path) => Upload(path, long.MaxValue);

    /// <summary>A safetensors file's 8-byte length and JSON header: exactly what its reader needs.</summary>
    private static HeaderUpload SafetensorsHeader(string path)
    {
        Span<byte> length = stackalloc byte[8];
        using (var stream = File.OpenRead(path))
            stream.ReadExactly(length);
        return Upload(path, 8 + (long)BinaryPrimitives.ReadUInt64LittleEndian(length));
    }

    private static void AssertSameModel(ModelSource expected, ModelSource actual)
    {
        Assert.Equal(expected.Parameters.Total, actual.Parameters.Total);
        Assert.Equal(expected.Parameters.Active, actual.Parameters.Active);
        Assert.Equal(expected.Parameters.Breakdown, actual.Parameters.Breakdown);
        Assert.Equal(expected.Model.Spec, actual.Model.Spec);
        Assert.Equal(
            expected.Inventory!.Tensors.Select(t => (t.Name, string.Join('x', t.Shape), t.Type, t.Parameters, t.Bytes, t.Role, t.Category)),
            actual.Inventory!.Tensors.Select(t => (t.Name, string.Join('x', t.Shape), t.Type, t.Parameters, t.Bytes, t.Role, t.Category)));
        Assert.Equal(expected.Files.Select(f => (Path.GetFileName(f.Name), f.Format, f.Bytes)), actual.Files.Select(f => (f.Name, f.Format, f.Bytes)));
        Assert.Equal(expected.Mismatches, actual.Mismatches);
        Assert.Equal(ModelOrigin.Upload, actual.Model.Origin);
    }

    /// <summary>Posts again with <see cref="HeaderIncompleteException.NeededBytes"/> as the browser would, at most 20 times.</summary>
    private static (ModelSource Model, List<long> Asked) OpenResending(string[] paths, long firstBytes)
    {
        var sent = paths.ToDictionary(p => Path.GetFileName(p), _ => firstBytes);
        var asked = new List<long>();
        for (int round = 0; round < 20; round++)
        {
            try
            {
                return (UploadedModel.Open(paths.Select(p => Upload(p, sent[Path.GetFileName(p)])).ToList()), asked);
            }
            catch (HeaderIncompleteException e)
            {
                long length = new FileInfo(paths.Single(p => Path.GetFileName(p) == e.FileName)).Length;
                Assert.InRange(e.NeededBytes, sent[e.FileName] + 1, length);
                Assert.True(e.NeededBytes % UploadLimits.NeededBytesGranularity == 0 || e.NeededBytes == length, $"{e.NeededBytes} is neither whole 64 KiB nor the length");
                sent[e.FileName] = e.NeededBytes;
                asked.Add(e.NeededBytes);
            }
        }
        throw new Xunit.Sdk.XunitException("still incomplete after 20 rounds");
    }

    [Fact]
    public void A_whole_gguf_file_reads_as_the_file_on_disk()
    {
        using var dir = new TempDirectory();
        // Qwen2.5's layout scaled down so that header and tensor data together fit in an upload.
        var shape = GgufModels.Qwen25_05B with { Vocab = 1024, Hidden = 64, Layers = 2, Heads = 4, KvHeads = 2, Ffn = 128 };
        string path = GgufModels.Writer(shape).Write(Path.Combine(dir.Path, "tiny-qwen2.gguf"));

        var upload = Whole(path);
        Assert.Equal(upload.Length, upload.Prefix.Length);
        var source = UploadedModel.Open([upload]);

        AssertSameModel(ModelSource.Open(path), source);
        Assert.Equal(ParameterCounter.Count(source.Model.Spec!).Total, source.Parameters.Total);
        Assert.Equal(UploadedModel.UploadId([upload]), source.Model.Id);
    }

    [Fact]
    public void A_gguf_header_alone_reads_as_the_whole_file_on_disk()
    {
        using var dir = new TempDirectory();
        var writer = GgufModels.Writer(GgufModels.Qwen25_05B);
        string path = writer.Write(Path.Combine(dir.Path, "qwen2.5-0.5b.gguf"));
        int headerBytes = writer.Header().Length;

        var source = UploadedModel.Open([Upload(path, headerBytes)]);

        Assert.Equal(Qwen05BParameters, source.Parameters.Total);
        AssertSameModel(ModelSource.Open(path), source);
        Assert.Equal("Qwen2.5-0.5B (qwen2.5-0.5b.gguf)", source.Model.Name);
        Assert.Equal(new FileInfo(path).Length, source.Files.Single().Bytes);
    }

    [Fact]
    public void A_gguf_prefix_that_stops_inside_the_header_asks_for_more_until_it_reads()
    {
        using var dir = new TempDirectory();
        var writer = GgufModels.Writer(GgufModels.Qwen25_05B);
        string path = writer.Write(Path.Combine(dir.Path, "qwen.gguf"));
        long length = new FileInfo(path).Length;

        var e = Assert.Throws<HeaderIncompleteException>(() => UploadedModel.Open([Upload(path, 4096)]));
        Assert.Equal("qwen.gguf", e.FileName);
        Assert.Equal(
            $"qwen.gguf: header: expected the header within the 4,096 bytes sent of this {length:N0}-byte file, found it continuing past them; send at least its first {e.NeededBytes:N0} bytes",
            e.Message);
        Assert.IsAssignableFrom<InputException>(e);

        var (source, asked) = OpenResending([path], 4096);
        Assert.Equal(Qwen05BParameters, source.Parameters.Total);
        // The header is 2.2 MB (a 151,936-token vocabulary); the reader reads 1 MiB chunks, so each request reaches at
        // most one chunk past the read that failed: two round trips, the last asking for less than a chunk beyond the header.
        Assert.Equal(2, asked.Count);
        Assert.InRange(asked[^1], writer.Header().Length, writer.Header().Length + GgufLimits.ChunkBytes + UploadLimits.NeededBytesGranularity);
    }

    [Fact]
    public void The_parts_of_a_split_gguf_read_as_one_model_in_any_upload_order()
    {
        using var dir = new TempDirectory();
        var parts = GgufModels.Writer(GgufModels.Qwen25_05B).Split(3);
        var paths = parts.Select((w, i) => w.Write(Path.Combine(dir.Path, $"qwen-{i + 1:D5}-of-00003.gguf"))).ToList();
        var uploads = paths.Select((p, i) => Upload(p, parts[i].Header().Length)).Reverse().ToList();

        var source = UploadedModel.Open(uploads);

        Assert.Equal(Qwen05BParameters, source.Parameters.Total);
        AssertSameModel(ModelSource.Open(paths[0]), source);
        Assert.Equal(["qwen-00001-of-00003.gguf", "qwen-00002-of-00003.gguf", "qwen-00003-of-00003.gguf"], source.Files.Select(f => f.Name));
        Assert.Contains("split model: 3 files read as one", source.Model.Notes);

        var missing = Assert.Throws<InputException>(() => UploadedModel.Open(uploads.Where(u => !u.FileName.Contains("00003-of")).ToList()));
        Assert.Equal("qwen-00001-of-00003.gguf: split: expected part 3 of 3, \"qwen-00003-of-00003.gguf\", beside it, found no such file", missing.Message);
    }

    [Fact]
    public void A_gguf_upload_with_files_of_another_model_is_refused()
    {
        using var dir = new TempDirectory();
        var writer = GgufModels.Writer(GgufModels.Qwen25_05B);
        var header = writer.Header();
        string a = writer.Write(Path.Combine(dir.Path, "a.gguf")), b = writer.Write(Path.Combine(dir.Path, "b.gguf"));
        var e = Assert.Throws<UsageException>(() => UploadedModel.Open([Upload(a, header.Length), Upload(b, header.Length)]));
        Assert.Equal("the uploads hold 2 GGUF models (a.gguf, b.gguf): expected one (all parts of a split one)", e.Message);

        var parts = writer.Split(2);
        var paths = parts.Select((w, i) => w.Write(Path.Combine(dir.Path, $"q-{i + 1:D5}-of-00002.gguf"))).ToList();
        var stray = new HeaderUpload("q-00002-of-00005.gguf", header.Length, header);
        e = Assert.Throws<UsageException>(() => UploadedModel.Open([.. paths.Select((p, i) => Upload(p, parts[i].Header().Length)), stray]));
        Assert.Equal("file 'q-00002-of-00005.gguf': expected only the parts of q-00001-of-00002.gguf, found this file too", e.Message);

        e = Assert.Throws<UsageException>(() => UploadedModel.Open([Upload(a, header.Length), new HeaderUpload("config.json", 2, "{}"u8.ToArray())]));
        Assert.Equal("file 'config.json': expected only .gguf files with a GGUF model (its metadata holds the architecture), found this one too", e.Message);
    }

    // meta-llama/Llama-2-7b-hf: 6,738,415,616 parameters (Hugging Face's safetensors count), three shards with an index.
    [Fact]
    public void Three_safetensors_shard_headers_with_index_and_config_read_as_the_folder_on_disk()
    {
        using var dir = new TempDirectory();
        string config = Path.Combine(dir.Path, "config.json");
        File.Copy(Fixture("meta-llama__Llama-2-7b-hf.json"), config);
        string index = SafetensorsWriter.WriteSharded(dir.Path, SafetensorsShapes.Llama2_7b(), 3);
        var shards = Directory.GetFiles(dir.Path, "*.safetensors").Order(StringComparer.Ordinal).ToList();

        var source = UploadedModel.Open([.. shards.Select(SafetensorsHeader), Whole(index), Whole(config)]);

        Assert.Equal(SafetensorsShapes.Llama2_7bParameters, source.Parameters.Total);
        Assert.Equal("llama", source.Model.Spec!.Architecture);
        Assert.Empty(source.Mismatches);
        AssertSameModel(ModelSource.Open(dir.Path), source);
        Assert.Equal(2 * SafetensorsShapes.Llama2_7bParameters, source.Inventory!.Bytes);
        Assert.Equal("upload", ModelInfo.From(source.Model).Origin);
    }

    [Fact]
    public void A_safetensors_shard_cut_short_asks_for_its_header()
    {
        using var dir = new TempDirectory();
        string index = SafetensorsWriter.WriteSharded(dir.Path, SafetensorsShapes.Llama2_7b(), 3);
        var shards = Directory.GetFiles(dir.Path, "*.safetensors").Order(StringComparer.Ordinal).ToArray();
        long headerEnd = SafetensorsHeader(shards[1]).Prefix.Length;

        var e = Assert.Throws<HeaderIncompleteException>(() => UploadedModel.Open(
            [SafetensorsHeader(shards[0]), Upload(shards[1], 100), SafetensorsHeader(shards[2]), Whole(index)]));
        Assert.Equal("model-00002-of-00003.safetensors", e.FileName);
        // The reader asks for the whole header at once: 8 + N rounded up to 64 KiB.
        Assert.Equal((headerEnd + 65_535) / 65_536 * 65_536, e.NeededBytes);

        var (source, asked) = OpenResending([.. shards, index], 100);
        Assert.Equal(SafetensorsShapes.Llama2_7bParameters, source.Parameters.Total);
        // One more round trip per file: the index is read whole (asked for at its length), then each shard's header.
        Assert.Equal([new FileInfo(index).Length, 65_536, 65_536, 65_536], asked);
    }

    [Fact]
    public void Several_shards_without_an_index_or_an_index_without_shards_are_refused()
    {
        using var dir = new TempDirectory();
        string index = SafetensorsWriter.WriteSharded(dir.Path, SafetensorsShapes.Llama2_7b(), 3);
        var shards = Directory.GetFiles(dir.Path, "*.safetensors").Order(StringComparer.Ordinal).Select(SafetensorsHeader).ToList();

        var e = Assert.Throws<UsageException>(() => UploadedModel.Open(shards));
        Assert.Equal("3 .safetensors files uploaded: expected model.safetensors.index.json with them, to say which shard holds which tensor", e.Message);
        e = Assert.Throws<UsageException>(() => UploadedModel.Open([Whole(index)]));
        Assert.Equal("file 'model.safetensors.index.json': expected the .safetensors shards it lists uploaded with it, found none", e.Message);
        var missing = Assert.Throws<InputException>(() => UploadedModel.Open([shards[0], shards[2], Whole(index)]));
        Assert.Contains("expected the shard file \"model-00002-of-00003.safetensors\" beside the index, found no such file", missing.Message);
    }

    // AutoGPTQ's quantize_config.json: 8 bits, one group; an int32 qweight of 2,752 x 4,096 packs 4 values per int32,
    // 11,008 x 4,096 weights (the same case as PackedQuantizationTests, read from disk there).
    [Fact]
    public void A_quantize_config_json_uploaded_beside_the_weights_states_the_bits()
    {
        using var dir = new TempDirectory();
        const string p = "model.layers.0.mlp.down_proj.";
        string weights = new SafetensorsWriter()
            .Add(p + "qweight", "I32", 2752, 4096)
            .Add(p + "qzeros", "I32", 1, 1024)
            .Add(p + "scales", "F16", 1, 4096)
            .Write(Path.Combine(dir.Path, "model.safetensors"));
        string side = dir.Write("quantize_config.json", """{"bits": 8, "group_size": -1, "desc_act": false, "sym": true}""");

        var source = UploadedModel.Open([SafetensorsHeader(weights), Whole(side)]);

        var qweight = source.Inventory!.Tensors.Single(t => t.Name == p + "qweight");
        Assert.Equal((11_008L * 4096, "GPTQ_INT8"), (qweight.Parameters, qweight.Type));
        AssertSameModel(ModelSource.Open(weights), source);
    }

    // meta-llama/Llama-2-7b-hf's config.json: 6,738,415,616 parameters (Hugging Face's count).
    [Fact]
    public void A_config_json_alone_reads_as_the_file_on_disk_and_must_be_sent_whole()
    {
        string path = Fixture("meta-llama__Llama-2-7b-hf.json");
        var bytes = File.ReadAllBytes(path);

        var source = UploadedModel.Open([new HeaderUpload("config.json", bytes.Length, bytes)]);

        Assert.Equal(SafetensorsShapes.Llama2_7bParameters, source.Parameters.Total);
        Assert.Equal(ModelSource.Open(path).Model.Spec, source.Model.Spec);
        Assert.Equal(ModelOrigin.Upload, source.Model.Origin);
        Assert.Null(source.Inventory);
        Assert.Equal([new SourceFile("config.json", "config.json", bytes.Length)], source.Files);

        var e = Assert.Throws<HeaderIncompleteException>(() => UploadedModel.Open([new HeaderUpload("config.json", bytes.Length, bytes[..100])]));
        Assert.Equal(bytes.Length, e.NeededBytes);
        var bad = Assert.Throws<InputException>(() => UploadedModel.Open([new HeaderUpload("config.json", 3, "{x}"u8.ToArray())]));
        Assert.Equal("config.json: line 1, byte 2: expected valid JSON, found a syntax error", bad.Message);
    }

    [Fact]
    public void A_header_longer_than_any_upload_is_an_error_not_a_request_for_more()
    {
        // A metadata string of 40 MiB: the reader skips it, and the next key lies past what an upload may carry.
        var length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, 40UL << 20);
        var writer = new GgufWriter().Add("general.architecture", "llama")
            .Add("general.huge", GgufWriter.Value.Raw(8, length)).Add("general.name", "after");
        byte[] header = writer.Header();

        var e = Assert.Throws<InputException>(() => UploadedModel.Open([new HeaderUpload("huge.gguf", 100L << 20, header)]));
        Assert.IsNotType<HeaderIncompleteException>(e);
        Assert.StartsWith("huge.gguf: header: expected the header within the first 33,554,432 bytes an upload can carry, found it continuing to byte ", e.Message);
    }

    [Fact]
    public void The_upload_id_hashes_names_lengths_and_prefixes_whatever_their_order()
    {
        HeaderUpload a = new("a.safetensors", 1000, new byte[] { 1, 2, 3 }), b = new("b.safetensors", 2000, new byte[] { 4 });
        string id = UploadedModel.UploadId([a, b]);

        Assert.Matches("^upload:[0-9a-f]{16}$", id);
        Assert.Equal(id, UploadedModel.UploadId([b, a]));
        Assert.NotEqual(id, UploadedModel.UploadId([a, b with { Prefix = new byte[] { 5 } }]));
        Assert.NotEqual(id, UploadedModel.UploadId([a, b with { Length = 2001 }]));
        Assert.NotEqual(id, UploadedModel.UploadId([a, b with { FileName = "c.safetensors" }]));

        // The documented encoding, built by hand for one file: int32 name bytes, name, int64 length, int64 prefix bytes, prefix.
        byte[] expected = [1, 0, 0, 0, (byte)'x', 5, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 9, 8];
        string hex = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(expected))[..16];
        Assert.Equal("upload:" + hex, UploadedModel.UploadId([new HeaderUpload("x", 5, new byte[] { 9, 8 })]));
    }
}
