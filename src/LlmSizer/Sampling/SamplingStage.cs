namespace LlmSizer.Sampling;

/// <summary>One step of a sampler pipeline. <see cref="Input"/> is the distribution as given (temperature 1), before any step.</summary>
public enum SamplingStage
{
    Input,
    Penalties,
    Temperature,
    TopK,
    TopP,
    MinP,
    TypicalP,
}

/// <summary>Stage names as output spells them.</summary>
public static class SamplingStageNames
{
    public static string Name(SamplingStage stage) => stage switch
    {
        SamplingStage.Input => "input",
        SamplingStage.Penalties => "penalties",
        SamplingStage.Temperature => "temperature",
        SamplingStage.TopK => "top-k",
        SamplingStage.TopP => "top-p",
        SamplingStage.MinP => "min-p",
        _ => "typical-p",
    };
}
