namespace LlmSizer.Reports;

/// <summary>The JSON every command prints on failure with <c>--json</c>: <c>{"error": {"code", "message"}}</c>.</summary>
public sealed record ErrorDocument(ErrorInfo Error);

/// <summary><see cref="Code"/> is <c>usage</c> (exit 2) or <c>input</c> (exit 1).</summary>
public sealed record ErrorInfo(string Code, string Message, IReadOnlyList<string>? Suggestions = null);
