using LlmSizer.Errors;
using LlmSizer.Formats.Uploads;
using Xunit;

namespace LlmSizer.Tests.Formats.Uploads;

/// <summary>
/// File names in an upload are names only, and a set of files is checked before any is read: each rejection is a
/// usage error naming the file and what was expected.
/// </summary>
public class UploadSetTests
{
    private static HeaderUpload File(string name, long length = 16, int sent = 16) => new(name, length, new byte[sent]);

    private static string Refusal(params HeaderUpload[] files) => Assert.Throws<UsageException>(() => UploadedModel.Open(files)).Message;

    [Theory]
    [InlineData("models/x.gguf", "file name 'models/x.gguf': expected a file name alone, found a path ('/', '\\' or '..')")]
    [InlineData("models\\x.gguf", "file name 'models\\x.gguf': expected a file name alone, found a path ('/', '\\' or '..')")]
    [InlineData("..gguf", "file name '..gguf': expected a file name alone, found a path ('/', '\\' or '..')")]
    [InlineData("x\u0001.gguf", "file name 'x?.gguf': expected printable characters, found a control character")]
    [InlineData("x\n.gguf", "file name 'x?.gguf': expected printable characters, found a control character")]
    [InlineData(" ", "file name ' ': expected a file name")]
    [InlineData("weights.bin", "file name 'weights.bin': expected config.json, model.safetensors.index.json, quantize_config.json, quant_config.json, .gguf or .safetensors files")]
    [InlineData("tokenizer.json", "file name 'tokenizer.json': expected config.json, model.safetensors.index.json, quantize_config.json, quant_config.json, .gguf or .safetensors files")]
    [InlineData(".gguf", "file name '.gguf': expected config.json, model.safetensors.index.json, quantize_config.json, quant_config.json, .gguf or .safetensors files")]
    public void A_name_that_is_not_a_plain_known_file_name_is_refused(string name, string message) =>
        Assert.Equal(message, Refusal(File(name)));

    [Fact]
    public void A_name_over_255_characters_is_refused()
    {
        string name = new string('a', 251) + ".gguf";
        Assert.Equal($"file name '{new string('a', 80)}…': expected at most 255 characters, found 256", Refusal(File(name)));
        Assert.DoesNotContain("at most 255", Assert.ThrowsAny<Exception>(() => UploadedModel.Open([File(name[1..])])).Message);
    }

    [Fact]
    public void No_files_or_more_than_256_are_refused()
    {
        Assert.Equal("no files uploaded: expected config.json, model.safetensors.index.json, quantize_config.json, quant_config.json, .gguf or .safetensors files", Refusal());
        var many = Enumerable.Range(0, 257).Select(i => File($"model-{i:D5}.safetensors")).ToArray();
        Assert.Equal("257 files uploaded: expected at most 256", Refusal(many));
    }

    [Theory]
    [InlineData("config.json", "config.json")]
    [InlineData("Model.gguf", "model.GGUF")]
    public void The_same_name_twice_is_refused_whatever_its_case(string first, string second) =>
        Assert.Equal($"file '{second}': uploaded twice: expected each file once", Refusal(File(first), File(second)));

    [Fact]
    public void A_prefix_longer_than_the_file_or_a_negative_length_is_refused()
    {
        Assert.Equal("file 'x.gguf': 17 bytes sent: expected at most the file's length, 16 bytes", Refusal(File("x.gguf", length: 16, sent: 17)));
        Assert.Equal("file 'x.gguf': length -1: expected the file's full size in bytes (0 or more)", Refusal(File("x.gguf", length: -1, sent: 0)));
    }

    [Fact]
    public void More_than_32_MiB_sent_in_all_is_refused()
    {
        const int half = 16 << 20;
        Assert.Equal("33,554,433 bytes uploaded: expected at most 33,554,432 in all (send each file's header, not the whole file)",
            Refusal(File("a.safetensors", half, half), File("b.safetensors", half + 1, half + 1)));
    }

    [Fact]
    public void Gguf_and_safetensors_together_are_refused()
    {
        Assert.Equal("file 'b.safetensors': expected only .gguf files with a GGUF model (its metadata holds the architecture), found this one too",
            Refusal(File("a.gguf"), File("b.safetensors")));
    }

    [Fact]
    public void Quantization_side_files_without_weights_are_refused()
    {
        Assert.Equal("file 'quantize_config.json': expected it beside .safetensors files, found none; upload config.json, a .gguf file or .safetensors files",
            Refusal(File("quantize_config.json")));
        Assert.Equal("file 'quant_config.json': expected it beside .safetensors files, found only config.json",
            Refusal(File("config.json"), File("quant_config.json")));
    }
}
