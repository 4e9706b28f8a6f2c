namespace LlmSizer.Errors;

/// <summary>
/// A file or document given by the user is unusable. The message names the source (file path or URL),
/// the field or offset, what was expected and what was found. Front ends map it to exit code 1.
/// </summary>
public sealed class InputException(string source, string location, string problem)
    : Exception($"{source}: {location}: {problem}")
{
    public string SourceName { get; } = source;

    public string Location { get; } = location;

    public string Problem { get; } = problem;
}

/// <summary>The user asked for something that does not exist or cannot be parsed (an unknown catalog id, a bad size). Exit code 2.</summary>
public sealed class UsageException(string message, IReadOnlyList<string>? suggestions = null) : Exception(message)
{
    public IReadOnlyList<string> Suggestions { get; } = suggestions ?? [];
}
