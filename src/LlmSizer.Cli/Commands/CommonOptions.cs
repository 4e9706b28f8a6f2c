using System.CommandLine;

namespace LlmSizer.Cli.Commands;

/// <summary>Options every command shares.</summary>
internal static class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print exactly one JSON document (camelCase, bytes as integers) instead of tables" };

    /// <summary><c>--plot FILE.png|FILE.svg</c>: a chart of <paramref name="what"/>, the format from the extension.</summary>
    public static Option<string?> Plot(string what) => new("--plot") { Description = $"Write a chart of {what} to FILE.png or FILE.svg" };

    public static Argument<string> Model() => new("MODEL")
    {
        Description = "A catalog id (llama-3.1-8b), a size (7b, 8x7b), a config.json, .gguf, .safetensors, index or model folder, hf:ORG/NAME[@REV][:QUANT], or ollama:NAME[:TAG]",
    };
}
