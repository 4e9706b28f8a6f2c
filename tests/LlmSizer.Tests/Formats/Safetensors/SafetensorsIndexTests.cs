using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Formats.Safetensors;
using LlmSizer.Tests.Support;
using Xunit;

namespace LlmSizer.Tests.Formats.Safetensors;

public class SafetensorsIndexTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static List<(string Name, string Dtype, long[] Shape)> SmallModel() =>
    [
        ("model.embed_tokens.weight", "BF16", [100, 16]),
        ("model.layers.0.self_attn.q_proj.weight", "BF16", [16, 16]),
        ("model.layers.0.mlp.down_proj.weight", "BF16", [16, 32]),
        ("model.layers.1.self_attn.q_proj.weight", "BF16", [16, 16]),
        ("model.layers.1.mlp.down_proj.weight", "BF16", [16, 32]),
        ("model.norm.weight", "F32", [16]),
        ("lm_head.weight", "BF16", [100, 16]),
    ];

    [Fact]
    public void A_three_shard_index_reads_every_shard_header_and_lists_each_tensor_once()
    {
        string index = SafetensorsWriter.WriteSharded(dir.Path, SmallModel(), shards: 3);

        var model = SafetensorsModel.Open(index);

        Assert.Equal(index, model.Path);
        Assert.NotNull(model.Index);
        Assert.Equal(["model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors"], model.Index!.Shards);
        Assert.Equal(3, model.Files.Count);
        Assert.Equal([3, 3, 1], model.Files.Select(f => f.Tensors));
        Assert.Equal(SmallModel().Select(t => t.Name), model.Inventory.Tensors.Select(t => t.Name));
        Assert.Equal(1600 + 256 + 512 + 256 + 512 + 16 + 1600, model.Inventory.Parameters);
        Assert.Equal(model.Index.TotalSize, model.Inventory.Bytes);
        Assert.Equal("pt", model.Metadata["format"]);
        Assert.Empty(model.Notes);
    }

    [Fact]
    public void A_folder_with_an_index_opens_through_the_index()
    {
        SafetensorsWriter.WriteSharded(dir.Path, SmallModel(), shards: 2);

        var model = SafetensorsModel.Open(dir.Path);

        Assert.Equal(2, model.Files.Count);
        Assert.Equal(7, model.Inventory.Tensors.Count);
    }

    [Fact]
    public void Shards_are_read_through_the_sibling_opener_and_disposed()
    {
        string index = SafetensorsWriter.WriteSharded(dir.Path, SmallModel(), shards: 3);
        var opened = new List<CountingByteSource>();
        SiblingOpener siblings = name =>
        {
            var s = new CountingByteSource(new FileByteSource(Path.Combine(dir.Path, name)));
            lock (opened)
                opened.Add(s);
            return s;
        };
        using var source = new FileByteSource(index);

        var model = SafetensorsModel.Read(source, siblings);

        Assert.Equal(3, opened.Count);
        Assert.Equal(model.Files.Sum(f => f.HeaderBytes), opened.Sum(s => s.BytesRead));
    }

    [Fact]
    public void A_total_size_that_differs_from_the_tensors_bytes_is_a_note()
    {
        string index = SafetensorsWriter.WriteSharded(dir.Path, SmallModel(), shards: 3, totalSizeOverride: 9_000);

        var model = SafetensorsModel.Open(index);

        Assert.Contains("the index's total_size says 9,000 bytes; the tensors it lists hold 9,536 (difference +536)", model.Notes);
    }

    [Fact]
    public void An_index_without_total_size_is_read_with_a_note()
    {
        SafetensorsWriter.WriteSharded(dir.Path, SmallModel(), shards: 1);
        string index = SafetensorsWriter.WriteIndex(Path.Combine(dir.Path, "model.safetensors.index.json"),
            SmallModel().Select(t => new KeyValuePair<string, string>(t.Name, "model-00001-of-00001.safetensors")), totalSize: null);

        var model = SafetensorsModel.Open(index);

        Assert.Contains($"{index}: metadata.total_size is absent; the shards' sizes are not checked against it", model.Notes);
    }

    [Fact]
    public void Tensors_a_shard_stores_but_the_index_does_not_list_are_left_out_with_a_note()
    {
        var writer = new SafetensorsWriter().Add("kept", "F16", 4).Add("stray", "F16", 8);
        string shard = writer.Write(Path.Combine(dir.Path, "a.safetensors"));
        string index = SafetensorsWriter.WriteIndex(Path.Combine(dir.Path, "model.safetensors.index.json"), [new("kept", "a.safetensors")], 8);

        var model = SafetensorsModel.Open(index);

        Assert.Equal("kept", Assert.Single(model.Inventory.Tensors).Name);
        Assert.Contains($"1 tensor stored in the shards but not listed there by the index (e.g. 'stray' in {shard}) are left out, as loaders skip them", model.Notes);
    }

    [Fact]
    public void An_index_naming_a_missing_shard_is_refused()
    {
        string index = SafetensorsWriter.WriteSharded(dir.Path, SmallModel(), shards: 3);
        File.Delete(Path.Combine(dir.Path, "model-00002-of-00003.safetensors"));

        var e = Assert.Throws<InputException>(() => SafetensorsModel.Open(index));

        Assert.Equal($"{index}: weight_map 'model.layers.1.self_attn.q_proj.weight': expected the shard file \"model-00002-of-00003.safetensors\" beside the index, found no such file", e.Message);
    }

    [Fact]
    public void An_index_naming_a_tensor_absent_from_its_shard_is_refused()
    {
        SafetensorsWriter.WriteSharded(dir.Path, SmallModel(), shards: 1);
        var map = SmallModel().Select(t => new KeyValuePair<string, string>(t.Name, "model-00001-of-00001.safetensors")).ToList();
        map.Add(new("model.layers.2.mlp.down_proj.weight", "model-00001-of-00001.safetensors"));
        string index = SafetensorsWriter.WriteIndex(Path.Combine(dir.Path, "model.safetensors.index.json"), map, 9_536);

        var e = Assert.Throws<InputException>(() => SafetensorsModel.Open(index));

        Assert.Equal($"{index}: weight_map 'model.layers.2.mlp.down_proj.weight': expected the tensor in \"model-00001-of-00001.safetensors\", found no tensor of that name there", e.Message);
    }

    [Fact]
    public void A_broken_shard_is_reported_under_its_own_name()
    {
        string index = SafetensorsWriter.WriteSharded(dir.Path, SmallModel(), shards: 3);
        string shard = Path.Combine(dir.Path, "model-00003-of-00003.safetensors");
        File.WriteAllBytes(shard, [1, 0, 0]);

        var e = Assert.Throws<InputException>(() => SafetensorsModel.Open(index));

        Assert.Equal($"{shard}:0: expected an 8-byte little-endian header length, found a file of 3 bytes", e.Message);
    }

    [Fact]
    public void An_index_over_64_MiB_is_refused_before_it_is_read()
    {
        string index = Path.Combine(dir.Path, "model.safetensors.index.json");
        using (var f = new FileStream(index, FileMode.Create))
            f.SetLength(SafetensorsIndexReader.MaxIndexBytes + 1);

        var e = Assert.Throws<InputException>(() => SafetensorsModel.Open(index));

        Assert.Equal($"{index}: file: expected an index of at most 67,108,864 bytes, found 67,108,865 bytes", e.Message);
    }

    [Theory]
    [InlineData("{\"weight_map\": {\"a\": 3}}", "weight_map 'a': expected a shard file name, found the number 3")]
    [InlineData("{\"weight_map\": []}", "field 'weight_map': expected an object mapping tensor names to shard files, found an array")]
    [InlineData("{\"metadata\": {}}", "field 'weight_map': expected an object mapping tensor names to shard files, found none")]
    [InlineData("{\"weight_map\": {}}", "field 'weight_map': expected at least one tensor, found an empty map")]
    [InlineData("{\"weight_map\": {\"a\": \"x.safetensors\", \"a\": \"y.safetensors\"}}", "weight_map 'a': expected each tensor once in weight_map, found it a second time")]
    [InlineData("{\"weight_map\": {\"a\": \"x\"}, \"weight_map\": {}}", "field 'weight_map': expected one weight_map, found a second")]
    [InlineData("{\"weight_map\": {\"a\": \"../outside.safetensors\"}}", "weight_map 'a': expected a shard file name beside the index, found \"../outside.safetensors\"")]
    [InlineData("{\"weight_map\": {\"a\": \"/etc/passwd\"}}", "weight_map 'a': expected a shard file name beside the index, found \"/etc/passwd\"")]
    [InlineData("{\"weight_map\": {\"a\": \"\"}}", "weight_map 'a': expected a shard file name beside the index, found \"\"")]
    [InlineData("[]", "root: expected a JSON object, found an array")]
    [InlineData("", "root: expected a JSON object, found nothing")]
    public void A_malformed_index_is_refused_with_what_was_expected(string json, string problem)
    {
        string index = dir.Write("model.safetensors.index.json", json);

        var e = Assert.Throws<InputException>(() => SafetensorsModel.Open(index));

        Assert.Equal($"{index}: {problem}", e.Message);
    }

    [Fact]
    public void Index_json_with_a_syntax_error_is_refused_at_the_offending_byte()
    {
        string index = dir.Write("model.safetensors.index.json", "{\n  \"weight_map\": {\n    \"a\": 'x'\n  }\n}");

        var e = Assert.Throws<InputException>(() => SafetensorsModel.Open(index));

        // Line 3, column 10: the single quote, which JSON does not allow around strings.
        Assert.Equal($"{index}:29: expected valid JSON, found '''", e.Message);
    }

    [Fact]
    public void A_non_integer_total_size_is_a_note_not_an_error()
    {
        var index = SafetensorsIndexReader.Parse("{\"metadata\": {\"total_size\": \"big\"}, \"weight_map\": {\"a\": \"x.safetensors\"}}"u8, "i.json");

        Assert.Null(index.TotalSize);
        Assert.Equal("the index's metadata.total_size is a string \"big\", not a byte count; it is not checked", Assert.Single(index.Notes));
    }

    [Fact]
    public void A_float_total_size_with_no_fraction_is_accepted()
    {
        var index = SafetensorsIndexReader.Parse("{\"metadata\": {\"total_size\": 13476839424.0}, \"weight_map\": {\"a\": \"x.safetensors\"}}"u8, "i.json");

        Assert.Equal(13_476_839_424, index.TotalSize);
        Assert.Empty(index.Notes);
    }

    [Fact]
    public void Several_indexes_in_one_folder_must_be_chosen_between()
    {
        dir.Write("a.safetensors.index.json", "{}");
        dir.Write("b.safetensors.index.json", "{}");

        var e = Assert.Throws<InputException>(() => SafetensorsModel.Open(dir.Path));

        Assert.Equal($"{dir.Path}: folder: expected one safetensors index, found 2: a.safetensors.index.json, b.safetensors.index.json; pass the one you mean", e.Message);
    }
}
