namespace LlmSizer.Errors;

/// <summary>
/// A file or document given by the user is unusable. The message names the source (file path or URL),
/// the field or offset, what was expected and what was found. Front ends map it to exit code 1.
/// Not sealed: <see cref="HeaderIncompleteException"/> adds what a caller needs to send more bytes.
/// </summary>
public class InputException : Exception
{
    /// <summary>"SOURCE: LOCATION: PROBLEM", e.g. <c>config.json: field 'hidden_size': expected a positive integer, found 0</c>.</summary>
    public InputException(string source, string location, string problem)
        : this($"{source}: {location}: {problem}", source, location, problem)
    {
    }

    private InputException(string message, string source, string location, string problem) : base(message)
    {
        SourceName = source;
        Location = location;
        Problem = problem;
    }

    /// <summary>"SOURCE:OFFSET: PROBLEM" for binary files, e.g. <c>model.gguf:24: expected …, found …</c>.</summary>
    public static InputException AtOffset(string source, long offset, string problem) =>
        new($"{source}:{offset}: {problem}", source, $"offset {offset}", problem);

    /// <summary>The file path, URL or uploaded file name.</summary>
    public string SourceName { get; }

    /// <summary>Where in the source: a field, "line L, byte B", "offset N", "header".</summary>
    public string Location { get; }

    /// <summary>"expected …, found …".</summary>
    public string Problem { get; }
}

/// <summary>The user asked for something that does not exist or cannot be parsed (an unknown catalog id, a bad size). Exit code 2.</summary>
/// <param name="field">The request field at fault in camelCase (<c>kvType</c>), when one alone is; a web front end reports it.</param>
public sealed class UsageException(string message, IReadOnlyList<string>? suggestions = null, string? field = null) : Exception(message)
{
    public IReadOnlyList<string> Suggestions { get; } = suggestions ?? [];

    /// <summary>The request field at fault in camelCase (<c>kvType</c>); null when the message names none or several.</summary>
    public string? Field { get; } = field;
}
