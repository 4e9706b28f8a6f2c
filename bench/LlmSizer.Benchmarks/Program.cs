using BenchmarkDotNet.Running;

namespace LlmSizer.Benchmarks;

/// <summary>
/// Runs the benchmarks: <c>dotnet run -c Release --project bench/LlmSizer.Benchmarks -- --filter '*'</c>.
/// <c>-- write-files FOLDER</c> instead writes the benchmark's GGUF and safetensors files there (for bench/compare-readers.sh).
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["write-files", string folder])
        {
            BenchmarkFiles.WriteAll(folder);
            return;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
