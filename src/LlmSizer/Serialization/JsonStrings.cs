using System.Text.Json;
using LlmSizer.Errors;

namespace LlmSizer.Serialization;

/// <summary>
/// <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/> accepts strings that cannot be decoded
/// later (invalid UTF-8 bytes, a lone surrogate escape such as <c>"\ud800"</c>): reading one throws
/// <see cref="InvalidOperationException"/> wherever the code happens to look at it. Checking every string once, right
/// after parsing, turns that into an <see cref="InputException"/> naming the field.
/// </summary>
internal static class JsonStrings
{
    /// <summary>Throws an <see cref="InputException"/> for the first string or property name in <paramref name="root"/> that does not decode.</summary>
    public static void RequireDecodable(JsonElement root, string source)
    {
        if (FirstUndecodable(root) is { } field)
            throw new InputException(source, field.Length == 0 ? "root" : $"field '{field}'",
                "expected UTF-8 text, found invalid bytes or a lone surrogate escape in a string");
    }

    /// <summary>The path of the first string in <paramref name="root"/> that does not decode ("" for the root itself), or null.</summary>
    public static string? FirstUndecodable(JsonElement root) => FirstUndecodable(root, "");

    /// <summary>A bad property name is named by its parent's path.</summary>
    private static string? FirstUndecodable(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return Decodes(() => element.GetString()) ? null : path;
            case JsonValueKind.Array:
                int i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FirstUndecodable(item, $"{path}[{i}]") is { } found)
                        return found;
                    i++;
                }
                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name = "";
                    if (!Decodes(() => name = property.Name))
                        return path;
                    if (FirstUndecodable(property.Value, path.Length == 0 ? name : $"{path}.{name}") is { } found)
                        return found;
                }
                return null;
            default:
                return null;
        }
    }

    private static bool Decodes(Action read)
    {
        try
        {
            read();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
