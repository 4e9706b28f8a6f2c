using System.Text;
using LlmSizer.Errors;
using LlmSizer.Formats.Local;
using Xunit;

namespace LlmSizer.Tests.Formats.Local;

/// <summary>The manifest reader alone, on bytes (the fuzz target ollama-manifest).</summary>
public class OllamaManifestTests
{
    private const string Digest = "6a0746a1ec1aef3e7ec53868f220ff6e389f6f8ef87a01d77c96807de94ca2aa";

    // The layout of a manifest as `ollama pull qwen2.5:7b` writes it (schema 2, model layer then template layer).
    private static byte[] Manifest(string digest) => Encoding.UTF8.GetBytes(
        $$"""{"schemaVersion":2,"layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"{{digest}}","size":4683073184},{"mediaType":"application/vnd.ollama.image.template","digest":"sha256:{{new string('1', 64)}}","size":1482}]}""");

    [Fact]
    public void The_model_layer_digest_names_the_blob()
    {
        Assert.Equal(Digest, OllamaManifest.ModelDigestHex(Manifest("sha256:" + Digest), "m"));
    }

    // Found by the fuzzer (fuzz/regressions/ollama-manifest): an undecodable digest string threw InvalidOperationException.
    [Fact]
    public void A_digest_that_is_not_UTF_8_is_refused_naming_the_field()
    {
        byte[] bytes = Manifest("sha256:\u0001");
        bytes[Array.IndexOf(bytes, (byte)1)] = 0xFF;
        var e = Assert.Throws<InputException>(() => OllamaManifest.ModelDigestHex(bytes, "m"));
        Assert.Equal("m: field 'layers[0].digest': expected UTF-8 text, found invalid bytes or a lone surrogate escape in a string", e.Message);
    }

    [Fact]
    public void A_digest_of_another_form_is_refused()
    {
        var e = Assert.Throws<InputException>(() => OllamaManifest.ModelDigestHex(Manifest("md5:abc"), "m"));
        Assert.Equal("m: layers[].digest: expected sha256:<64 hex digits>, found \"md5:abc\"", e.Message);
    }

    [Fact]
    public void A_manifest_over_one_MiB_is_refused_before_parsing()
    {
        var e = Assert.Throws<InputException>(() => OllamaManifest.ModelDigestHex(new byte[OllamaManifest.MaxBytes + 1], "m"));
        Assert.Equal($"m: file: expected an Ollama manifest of at most {OllamaManifest.MaxBytes} bytes, found {OllamaManifest.MaxBytes + 1}", e.Message);
    }
}
