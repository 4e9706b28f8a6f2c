namespace LlmSizer.Formats.Local;

/// <summary>Where a model on this machine was found.</summary>
public enum LocalStore
{
    Ollama,
    LmStudio,
    HuggingFaceCache,
    Folder,
}

/// <summary>A model found on disk before its headers are read: its name, store, main file or folder, and bytes on disk.</summary>
/// <param name="Name">What the store calls it: <c>qwen2.5:7b</c> (Ollama), <c>Qwen/Qwen2.5-7B</c> (Hugging Face cache), a file or folder name.</param>
/// <param name="Path">The GGUF file (first part of a split model) or the folder holding config.json and safetensors.</param>
/// <param name="Format">"gguf" or "safetensors".</param>
/// <param name="SizeOnDiskBytes">Bytes of the weight files.</param>
public sealed record LocalModel(string Name, LocalStore Store, string Path, string Format, long SizeOnDiskBytes);
