using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace LlmSizer.Web.Hosting;

/// <summary>
/// Strict query strings: a parameter the endpoint does not know (a typo such as <c>contxt</c>) or one given twice is a 400
/// naming it, instead of a silently ignored setting and a wrong answer.
/// </summary>
internal static class QueryCheck
{
    /// <summary>The camelCase names of <paramref name="query"/>'s settable properties: the parameters a bound type accepts.</summary>
    public static IEnumerable<string> NamesOf([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type query) =>
        query.GetProperties().Where(p => p.CanWrite).Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..]);

    /// <summary>An endpoint filter accepting only <paramref name="names"/> (case-insensitive), each once unless in <paramref name="repeatable"/>.</summary>
    public static Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> Allow(
        IEnumerable<string> names, params string[] repeatable)
    {
        var allowed = names.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        var many = repeatable.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        string list = string.Join(", ", allowed.Order(StringComparer.Ordinal));
        return (invocation, next) =>
        {
            foreach (var (key, values) in invocation.HttpContext.Request.Query)
            {
                if (!allowed.Contains(key))
                    return ValueTask.FromResult<object?>(ApiProblem.Of(400, $"unknown parameter '{key}': expected one of {list}", key).ToResult());
                if (values.Count > 1 && !many.Contains(key))
                    return ValueTask.FromResult<object?>(ApiProblem.Of(400, $"parameter '{key}' is given {values.Count} times: give it once", key).ToResult());
            }
            return next(invocation);
        };
    }
}
