namespace LlmSizer.Formats.Local;

/// <summary>The folders <c>llmsizer scan</c> looks in, from the environment and the stores' default places.</summary>
public sealed record LocalModelLocations
{
    /// <summary>Ollama's models folder (<c>OLLAMA_MODELS</c>, else <c>~/.ollama/models</c>).</summary>
    public string? OllamaModels { get; init; }

    /// <summary>LM Studio's model folders (<c>~/.lmstudio/models</c>, and the older <c>~/.cache/lm-studio/models</c>).</summary>
    public IReadOnlyList<string> LmStudio { get; init; } = [];

    /// <summary>The Hugging Face hub cache (<c>HF_HUB_CACHE</c>, else <c>HF_HOME/hub</c>, else <c>~/.cache/huggingface/hub</c>).</summary>
    public string? HuggingFaceCache { get; init; }

    public static LocalModelLocations FromEnvironment()
    {
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
        return new LocalModelLocations
        {
            OllamaModels = Env("OLLAMA_MODELS") ?? Path.Combine(home, ".ollama", "models"),
            LmStudio = [Path.Combine(home, ".lmstudio", "models"), Path.Combine(home, ".cache", "lm-studio", "models")],
            HuggingFaceCache = Env("HF_HUB_CACHE")
                ?? (Env("HF_HOME") is { } hfHome ? Path.Combine(hfHome, "hub") : Path.Combine(home, ".cache", "huggingface", "hub")),
        };
    }
}
