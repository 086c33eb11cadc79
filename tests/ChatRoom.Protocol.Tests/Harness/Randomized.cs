namespace ChatRoom.Protocol.Tests.Harness;

/// <summary>
/// Settings of the randomized tests. Every run uses a fixed seed so a failure is reproducible; the quick run is
/// part of every test run, the long one only when <c>CHATROOM_FUZZ_ITERATIONS</c> is set (optionally with
/// <c>CHATROOM_FUZZ_SEED</c> to explore other inputs).
/// </summary>
internal static class Randomized
{
    public const int Seed = 12345;
    public const int QuickIterations = 2_000;
    public const string IterationsVariable = "CHATROOM_FUZZ_ITERATIONS";
    public const string SeedVariable = "CHATROOM_FUZZ_SEED";

    public static int? LongIterations => ReadInt(IterationsVariable);

    public static int LongSeed => ReadInt(SeedVariable) ?? Seed;

    /// <summary>Runs <paramref name="check"/> <paramref name="iterations"/> times on one generator seeded with <paramref name="seed"/>.</summary>
    /// <remarks>A failure names the seed and the iteration, so it can be replayed.</remarks>
    public static void Run(int seed, int iterations, Action<Random> check)
    {
        var random = new Random(seed);
        for (var i = 0; i < iterations; i++)
        {
            try
            {
                check(random);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"randomized check failed (seed {seed}, iteration {i}): {e.Message}", e);
            }
        }
    }

    public static void RunQuick(Action<Random> check) => Run(Seed, QuickIterations, check);

    public static void RunLong(Action<Random> check) => Run(LongSeed, LongIterations ?? 0, check);

    public static T Pick<T>(this Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static int? ReadInt(string variable) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out var value) && value > 0 ? value : null;
}
