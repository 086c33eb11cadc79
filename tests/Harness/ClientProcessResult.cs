
namespace ChatRoom.Tests.Harness;

/// <summary>How the client process ended: its exit code and what it printed.</summary>
/// <param name="ExitCode">The client's exit code.</param>
/// <param name="Stdout">What it printed, line by line.</param>
/// <param name="Stderr">Its standard error, whole.</param>
/// <param name="Description">Its input and output, for failure messages.</param>
public sealed record ClientProcessResult(int ExitCode, string[] Stdout, string Stderr, string Description)
{
    /// <summary>Fails unless <paramref name="expected"/> appear in this order in the client's output (other lines may come between).</summary>
    public void AssertPrinted(params string[] expected)
    {
        var next = 0;
        foreach (var line in Stdout)
        {
            if (next < expected.Length && line == expected[next])
            {
                next++;
            }
        }

        Assert.True(next == expected.Length, $"the client's output lacks {TestChatClient.Quote(expected[Math.Min(next, expected.Length - 1)])} (expected, in order: {string.Join(" | ", expected)}).{Description}");
    }

    public void AssertExitCode(int expected) =>
        Assert.True(ExitCode == expected, $"the client exited with {ExitCode}, expected {expected}.{Description}");
}
