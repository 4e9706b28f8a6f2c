namespace LlmSizer.Web.Hosting;

/// <summary>Ends a request with <see cref="Problem"/> (a status the library's exceptions do not carry, such as 404).</summary>
internal sealed class ApiProblemException(ApiProblem problem) : Exception(problem.Detail)
{
    public ApiProblem Problem { get; } = problem;
}
