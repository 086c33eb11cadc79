using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using ChatRoom.Benchmarks;

// Micro-benchmarks of the server's hot path. Release only:
//   dotnet run -c Release --project bench/ChatRoom.Benchmarks -- --filter '*'
//   dotnet run -c Release --project bench/ChatRoom.Benchmarks -- --filter '*' --job short   (a quick look)
// See docs/benchmarking.md. Reports go to bench/results/benchmarks (git-ignored) wherever this runs from.
var repository = new DirectoryInfo(AppContext.BaseDirectory);
while (repository is not null && !File.Exists(Path.Combine(repository.FullName, "ChatRoom.sln")))
{
    repository = repository.Parent;
}

var artifacts = Path.Combine(repository?.FullName ?? Directory.GetCurrentDirectory(), "bench", "results", "benchmarks");
BenchmarkSwitcher.FromAssembly(typeof(LineFramingBenchmarks).Assembly).Run(args, DefaultConfig.Instance.WithArtifactsPath(artifacts));
