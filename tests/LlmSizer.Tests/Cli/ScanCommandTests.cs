using LlmSizer.Tests.Support;
using Xunit;

namespace LlmSizer.Tests.Cli;

public class ScanCommandTests
{
    [Fact]
    public void Scan_dir_lists_models_with_parameters_quant_mix_and_size_on_disk()
    {
        using var dir = new TempDirectory();
        string folder = Path.Combine(dir.Path, "Qwen2.5-0.5B");
        Directory.CreateDirectory(folder);
        SafetensorsShapes.WriteSingle(Path.Combine(folder, "model.safetensors"), SafetensorsShapes.Qwen25_05b());

        var r = CliResult.Run("scan", "--dir", dir.Path, "--json");
        Assert.Equal(0, r.ExitCode);
        var model = Assert.Single(r.Json.GetProperty("models").EnumerateArray());
        Assert.Equal("Qwen2.5-0.5B", model.GetProperty("name").GetString());
        Assert.Equal("safetensors", model.GetProperty("format").GetString());
        Assert.Equal(494_032_768, model.GetProperty("parameters").GetInt64());
        Assert.Equal("BF16", model.GetProperty("quantMix")[0].GetProperty("type").GetString());
        Assert.Equal(new FileInfo(Path.Combine(folder, "model.safetensors")).Length, model.GetProperty("sizeOnDiskBytes").GetInt64());

        var text = CliResult.Run("scan", "--dir", dir.Path);
        Assert.Contains("Qwen2.5-0.5B", text.Stdout);
        Assert.Contains("494.03M", text.Stdout);
    }

    [Fact]
    public void A_broken_file_is_listed_as_unreadable_and_the_scan_goes_on()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, "broken.gguf"), "not a gguf");
        var r = CliResult.Run("scan", "--dir", dir.Path, "--json");
        Assert.Equal(0, r.ExitCode);
        var model = Assert.Single(r.Json.GetProperty("models").EnumerateArray());
        Assert.StartsWith(Path.Combine(dir.Path, "broken.gguf") + ":", model.GetProperty("error").GetString());
        Assert.Single(r.Json.GetProperty("problems").EnumerateArray());
    }

    [Fact]
    public void Inspect_of_a_weights_folder_shows_the_quant_mix_and_file_facts()
    {
        using var dir = new TempDirectory();
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "configs", "meta-llama__Llama-2-7b-hf.json"), Path.Combine(dir.Path, "config.json"));
        SafetensorsWriter.WriteSharded(dir.Path, SafetensorsShapes.Llama2_7b(), 2);
        var r = CliResult.Run("inspect", dir.Path, "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(6_738_415_616, r.Json.GetProperty("parameters").GetProperty("total").GetInt64());
        Assert.Equal("weights file tensors", r.Json.GetProperty("parameters").GetProperty("countedFrom").GetString());
        var file = r.Json.GetProperty("file");
        Assert.Equal("safetensors", file.GetProperty("format").GetString());
        Assert.Equal(2, file.GetProperty("files").GetArrayLength());
        Assert.Equal(16.0, file.GetProperty("bitsPerWeight").GetDouble());
        Assert.Equal(0, file.GetProperty("mismatches").GetArrayLength());

        var text = CliResult.Run("inspect", dir.Path);
        Assert.Contains("Quant mix", text.Stdout);
        Assert.Contains("counted from the weights file tensors", text.Stdout);
    }
}

public class InspectWeightsFileErrorTests
{
    [Fact]
    public void A_broken_gguf_fails_with_exit_1_naming_the_file_and_offset_without_a_stack_trace()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("broken.gguf", "GGUF\u0003\u0000\u0000\u0000short");
        var r = CliResult.Run("inspect", path);
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith($"llmsizer: {path}:", r.Stderr);
        Assert.Contains("expected", r.Stderr);
        Assert.Single(r.Stderr.TrimEnd().Split('\n'));
        Assert.DoesNotContain("   at ", r.Stderr);
    }
}
