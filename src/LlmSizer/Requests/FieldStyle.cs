namespace LlmSizer.Requests;

/// <summary>How a message names a request field: as the command line's option or as the web API's query parameter.</summary>
public enum FieldStyle
{
    /// <summary><c>--kv-type</c>: the camelCase name in kebab case after two dashes.</summary>
    Cli,

    /// <summary><c>kvType</c>: the camelCase name itself.</summary>
    Query,
}
