using System.CommandLine;

namespace LlmSizer.Cli.Commands;

/// <summary>Options every command shares.</summary>
internal static class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print exactly one JSON document (camelCase, bytes as integers) instead of tables" };

    public static Argument<string> Model() => new("MODEL")
    {
        Description = "A catalog id (llama-3.1-8b), a size (7b, 8x7b), a config.json, .gguf, .safetensors, index or model folder, hf:ORG/NAME[@REV][:QUANT], or ollama:NAME[:TAG]",
    };
}
