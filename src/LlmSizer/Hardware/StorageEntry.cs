namespace LlmSizer.Hardware;

/// <summary>One storage class as written in a catalog file: <c>read</c> is a sustained sequential rate such as <c>7450MB/s</c>.</summary>
public sealed record StorageEntry
{
    public string? Id { get; init; }

    public string? Name { get; init; }

    public List<string>? Aliases { get; init; }

    public string? Read { get; init; }

    public string? Source { get; init; }
}
