using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Formats.Gguf;
using LlmSizer.Tests.Support;
using Xunit;
using V = LlmSizer.Tests.Support.GgufWriter.Value;

namespace LlmSizer.Tests.Formats.Gguf;

/// <summary>Split models as gguf-split writes them: NAME-00001-of-00003.gguf with split.no, split.count, split.tensors.count.</summary>
public class GgufSplitTests
{
    private const long Qwen05BParameters = 494_032_768;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Any_of_three_parts_opens_the_whole_model(int part)
    {
        using var dir = new TempDirectory();
        var paths = GgufModels.Writer(GgufModels.Qwen25_05B).WriteSplit(dir.Path, "qwen", 3);

        var model = GgufModel.Open(paths[part - 1]);

        Assert.Equal(paths, model.Files.Select(f => f.Name));
        Assert.Equal(Qwen05BParameters, model.Inventory.Parameters);
        Assert.Equal(Qwen05BParameters, LlmSizer.Models.ParameterCounter.Count(model.Spec!).Total);
        Assert.Equal(model.Inventory.Tensors.Count, model.Files.Sum(f => f.TensorCount));
        Assert.All(model.Files, f => Assert.Equal(new FileInfo(f.Name).Length, f.Length));
        Assert.Equal("qwen2", model.Metadata.Architecture);
        Assert.Contains("split model: 3 files read as one", model.Notes);
    }

    [Fact]
    public void A_first_part_without_tensors_holds_the_metadata_only()
    {
        using var dir = new TempDirectory();
        var paths = GgufModels.Writer(GgufModels.Qwen25_05B).WriteSplit(dir.Path, "qwen", 3, emptyFirst: true);

        var model = GgufModel.Open(paths[0]);

        Assert.Equal(0, model.Files[0].TensorCount);
        Assert.Equal(Qwen05BParameters, model.Inventory.Parameters);
    }

    [Fact]
    public void A_missing_part_is_an_error_naming_it()
    {
        using var dir = new TempDirectory();
        var paths = GgufModels.Writer(GgufModels.Qwen25_05B).WriteSplit(dir.Path, "qwen", 3);
        File.Delete(paths[2]);

        var e = Assert.Throws<InputException>(() => GgufModel.Open(paths[0]));
        Assert.Equal($"{paths[0]}: split: expected part 3 of 3, \"qwen-00003-of-00003.gguf\", beside it, found no such file", e.Message);
    }

    [Fact]
    public void A_part_that_claims_another_number_is_an_error_at_its_split_no()
    {
        using var dir = new TempDirectory();
        var parts = GgufModels.Writer(GgufModels.Qwen25_05B).Split(3);
        var paths = parts.Select((w, i) => Path.Combine(dir.Path, $"qwen-{i + 1:D5}-of-00003.gguf")).ToList();
        parts[0].Write(paths[0]);
        parts[2].Write(paths[1]); // part 3's content under part 2's name
        parts[2].Write(paths[2]);

        var e = Assert.Throws<InputException>(() => GgufModel.Open(paths[0]));
        Assert.Equal($"{paths[1]}:{parts[2].Positions["value:split.no"]}: split.no: expected part number 1 (file 2 of 3), found 2", e.Message);
    }

    [Fact]
    public void Parts_holding_fewer_tensors_than_split_tensors_count_are_an_error()
    {
        using var dir = new TempDirectory();
        var writer = GgufModels.Writer(GgufModels.Qwen25_05B);
        var parts = writer.Split(2);
        foreach (var part in parts)
            part.Remove("split.tensors.count").Add("split.tensors.count", V.I32(1000));
        var paths = parts.Select((w, i) => w.Write(Path.Combine(dir.Path, $"qwen-{i + 1:D5}-of-00002.gguf"))).ToList();

        var e = Assert.Throws<InputException>(() => GgufModel.Open(paths[0]));
        Assert.Equal($"{paths[0]}:{parts[0].Positions["value:split.tensors.count"]}: split.tensors.count: expected 1000 tensors in the 2 parts together, found {writer.TensorNames.Count}", e.Message);
    }

    [Fact]
    public void Parts_that_disagree_on_the_tensor_total_are_an_error()
    {
        using var dir = new TempDirectory();
        var writer = GgufModels.Writer(GgufModels.Qwen25_05B);
        var parts = writer.Split(2);
        parts[1].Remove("split.tensors.count").Add("split.tensors.count", V.I32(7));
        var paths = parts.Select((w, i) => w.Write(Path.Combine(dir.Path, $"qwen-{i + 1:D5}-of-00002.gguf"))).ToList();

        var e = Assert.Throws<InputException>(() => GgufModel.Open(paths[0]));
        Assert.Equal($"{paths[1]}:{parts[1].Positions["value:split.tensors.count"]}: split.tensors.count: expected {writer.TensorNames.Count} tensors in all, as qwen-00001-of-00002.gguf says, found 7", e.Message);
    }

    [Fact]
    public void A_split_part_under_another_name_is_an_error()
    {
        using var dir = new TempDirectory();
        var first = GgufModels.Writer(GgufModels.Qwen25_05B).Split(3)[0];
        string path = first.Write(Path.Combine(dir.Path, "qwen.gguf"));

        var e = Assert.Throws<InputException>(() => GgufModel.Open(path));
        Assert.Equal($"{path}:{first.Positions["value:split.no"]}: split.no: expected part 1 of 3 to be named PREFIX-00001-of-00003.gguf, found \"qwen.gguf\"", e.Message);
    }

    [Fact]
    public void Each_tensor_must_lie_inside_its_own_part()
    {
        using var dir = new TempDirectory();
        var parts = GgufModels.Writer(GgufModels.Qwen25_05B).Split(2);
        var paths = parts.Select((w, i) => Path.Combine(dir.Path, $"qwen-{i + 1:D5}-of-00002.gguf")).ToList();
        parts[0].Write(paths[0]);
        parts[1].Write(paths[1], length: parts[1].Header().Length + 100); // the second part lost its data

        var e = Assert.Throws<InputException>(() => GgufModel.Open(paths[0]));
        Assert.StartsWith($"{paths[1]}:", e.Message);
        Assert.Contains("to end inside the file's", e.Message);
    }

    [Fact]
    public void A_tensor_in_two_parts_is_an_error()
    {
        using var dir = new TempDirectory();
        var parts = new GgufWriter().Add("general.architecture", "llama").Tensor("a", "F32", 8).Tensor("a2", "F32", 8).Split(2);
        parts[1].Tensor("a", "F32", 8);
        parts[0].Remove("split.tensors.count").Add("split.tensors.count", V.I32(3));
        parts[1].Remove("split.tensors.count").Add("split.tensors.count", V.I32(3));
        var paths = parts.Select((w, i) => w.Write(Path.Combine(dir.Path, $"m-{i + 1:D5}-of-00002.gguf"))).ToList();

        var e = Assert.Throws<InputException>(() => GgufModel.Open(paths[0]));
        Assert.Equal($"{paths[1]}:{parts[1].Positions["tensor:a"]}: expected unique tensor names across the split parts, found \"a\" in {paths[0]} too", e.Message);
    }

    [Fact]
    public void A_single_part_split_is_an_ordinary_file()
    {
        using var dir = new TempDirectory();
        var paths = GgufModels.Writer(GgufModels.Qwen25_05B).WriteSplit(dir.Path, "qwen", 1);
        var model = GgufModel.Open(paths[0]);
        Assert.Single(model.Files);
        Assert.Equal(Qwen05BParameters, model.Inventory.Parameters);
    }

    [Fact]
    public void Siblings_are_opened_by_name_through_the_given_opener_and_disposed()
    {
        using var dir = new TempDirectory();
        var parts = GgufModels.Writer(GgufModels.Qwen25_05B).Split(3);
        var bytes = parts.Select(w => w.Header()).ToList();
        var sizes = parts.Select(w => w.Header().Length + w.DataBytes).ToList();
        var opened = new List<string>();
        using var first = new GgufMemorySource("https://host/org/qwen-00001-of-00003.gguf", bytes[0], sizes[0]);
        SiblingOpener open = name =>
        {
            opened.Add(name);
            int i = int.Parse(name.Split('-')[1]) - 1;
            return new GgufMemorySource($"https://host/org/{name}", bytes[i], sizes[i]);
        };

        var model = GgufModel.Open(first, open);

        Assert.Equal(["qwen-00002-of-00003.gguf", "qwen-00003-of-00003.gguf"], opened);
        Assert.Equal(Qwen05BParameters, model.Inventory.Parameters);
    }
}
