using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace LlmSizer.Tests.Inference.LlamaCpp;

/// <summary>
/// Runs real llama.cpp: installs the npm package node-llama-cpp (pinned in LlamaCppHarness/package.json, whose
/// <c>@node-llama-cpp/linux-x64</c> dependency ships llama.cpp's prebuilt CPU libraries) into a cache folder once, then
/// feeds <c>measure.mjs</c> a list of GGUF files and context settings and reads back the buffer sizes llama.cpp logs.
/// The install never runs package scripts (<c>--ignore-scripts</c>, <c>NODE_LLAMA_CPP_SKIP_DOWNLOAD=true</c>), so nothing
/// is fetched from outside the npm registry; optional dependencies (the CUDA and Vulkan builds) are left out.
/// </summary>
internal static class LlamaCppHarness
{
    /// <summary>Where the harness is installed: <c>$LLMSIZER_TEST_CACHE</c>, else <c>$XDG_CACHE_HOME/llmsizer-tests</c>, else <c>~/.cache/llmsizer-tests</c>.</summary>
    public static string CacheRoot =>
        Environment.GetEnvironmentVariable("LLMSIZER_TEST_CACHE") is { Length: > 0 } explicitRoot ? explicitRoot
        : Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? Path.Combine(xdg, "llmsizer-tests")
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "llmsizer-tests");

    /// <summary>
    /// The committed harness sources (package.json, measure.mjs): found beside this source file as it was compiled, else
    /// above the test assembly or the working directory (a build with --artifacts-path puts the assembly elsewhere).
    /// </summary>
    public static string SourceFolder => FindSources();

    private static string FindSources([CallerFilePath] string thisFile = "")
    {
        var starts = new List<string>();
        if (Path.GetDirectoryName(thisFile) is { Length: > 0 } here)
            starts.Add(here);
        starts.Add(AppContext.BaseDirectory);
        starts.Add(Directory.GetCurrentDirectory());
        foreach (string start in starts)
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                foreach (string candidate in new[] { Path.Combine(dir.FullName, "LlamaCppHarness"), Path.Combine(dir.FullName, "tests", "LlmSizer.Tests", "LlamaCppHarness") })
                    if (File.Exists(Path.Combine(candidate, "package.json")) && File.Exists(Path.Combine(candidate, "measure.mjs")))
                        return candidate;
            }
        }
        throw new InvalidOperationException($"tests/LlmSizer.Tests/LlamaCppHarness (package.json, measure.mjs) not found from {string.Join(", ", starts)}");
    }

    private static readonly Lazy<string> Installed = new(Install, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The folder holding node_modules and measure.mjs, installing on first use.</summary>
    public static string InstallFolder => Installed.Value;

    private static string Install()
    {
        Require("node");
        string npm = Require("npm");
        string source = SourceFolder;
        string package = File.ReadAllText(Path.Combine(source, "package.json"));
        // One folder per package.json: a version bump installs afresh beside the old one.
        string hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(package)))[..12].ToLowerInvariant();
        string folder = Path.Combine(CacheRoot, $"llamacpp-harness-{hash}");
        Directory.CreateDirectory(folder);
        // Several test processes may start at once: the first to take the lock installs, the others wait for it.
        using (var gate = AcquireLock(Path.Combine(folder, ".install.lock")))
        {
            string marker = Path.Combine(folder, ".installed");
            if (!File.Exists(marker) || !Directory.Exists(Path.Combine(folder, "node_modules", "@node-llama-cpp", "linux-x64")))
            {
                File.WriteAllText(Path.Combine(folder, "package.json"), package);
                var (code, output) = Run(npm,
                    ["install", "--omit=optional", "--ignore-scripts", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error"],
                    folder, stdin: null, TimeSpan.FromMinutes(8));
                if (code != 0)
                    throw new InvalidOperationException($"npm install of the llama.cpp harness failed (exit {code}) in {folder}:\n{output}");
                File.WriteAllText(marker, DateTime.UtcNow.ToString("O"));
            }
        }
        File.Copy(Path.Combine(source, "measure.mjs"), Path.Combine(folder, "measure.mjs"), overwrite: true);
        return folder;
    }

    /// <summary>Runs measure.mjs on <paramref name="request"/> ({"models": [...]}) and returns its JSON lines.</summary>
    public static IReadOnlyList<JsonObject> Measure(JsonObject request, TimeSpan timeout)
    {
        string folder = InstallFolder;
        var (code, output) = Run(Require("node"), ["measure.mjs"], folder, request.ToJsonString(), timeout);
        var lines = output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith('{')).ToList();
        if (code != 0)
            throw new InvalidOperationException($"node measure.mjs exited with {code}:\n{Tail(output)}");
        return lines.Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
    }

    /// <summary>The full path of <paramref name="tool"/> on PATH; a clear failure when it is missing.</summary>
    private static string Require(string tool)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate))
                return candidate;
        }
        throw new InvalidOperationException(
            $"'{tool}' is not on PATH. The llama.cpp accuracy tests (Category=LlamaCpp) need Node.js 20+ and npm to install node-llama-cpp; " +
            "install them (Debian: apt-get install nodejs npm) or leave these tests out with --filter \"Category!=LlamaCpp\".");
    }

    private static (int Code, string Output) Run(string file, string[] args, string workingDirectory, string? stdin, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
            info.ArgumentList.Add(a);
        info.Environment["NODE_LLAMA_CPP_SKIP_DOWNLOAD"] = "true";
        info.Environment["npm_config_update_notifier"] = "false";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
            process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(file)} {string.Join(' ', args)} ran past {timeout}");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static FileStream AcquireLock(string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(500);
            }
        }
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];
}
