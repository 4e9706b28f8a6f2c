using LlmSizer.Errors;

namespace LlmSizer.Fuzz.Targets;

/// <summary>
/// One parser of untrusted input with what follows it in the tool (reports, JSON), run on arbitrary bytes. A clean
/// refusal is a <see cref="UsageException"/> or <see cref="InputException"/> (the CLI's exit 2 and 1); any other exception,
/// a hang or a crash is a finding.
/// </summary>
/// <param name="Name">The name fuzz/run.sh and the regression corpus folder use.</param>
/// <param name="Input">What the bytes are, for the documentation and <c>list</c>.</param>
/// <param name="Body">The work on one input; throws what the parser throws.</param>
public sealed record FuzzTarget(string Name, string Input, Action<byte[]> Body)
{
    /// <summary>Runs <see cref="Body"/>: null when it ended normally, the message when it refused the input cleanly.</summary>
    public string? Run(byte[] input)
    {
        try
        {
            Body(input);
            return null;
        }
        catch (Exception e) when (e is UsageException or InputException)
        {
            return e.Message;
        }
    }
}
