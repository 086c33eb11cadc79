using ChatRoom.Tests.Harness;

namespace ChatRoom.Client.Tests;

/// <summary>The real console client in piped mode, against the real server.</summary>
public sealed class PipedClientTests
{
    [Fact]
    public async Task PipedClientSendsEachLineAndPrintsWhatArrivesThenExitsCleanly()
    {
        await using var server = await TestChatServer.StartAsync();
        var alice = await server.JoinAsync("alice");
        using var bob = ClientProcess.Start(server.ChatPort, "--nick", "bob");

        await bob.WriteLineAsync("hello from a pipe");
        await alice.ExpectLinesAsync("bob joined the chat!", "bob: hello from a pipe");
        // Said before bob's last line is even sent, so bob must have printed it before exiting.
        await alice.SendLineAsync("hi bob");
        await alice.ExpectLineAsync("alice: hi bob");
        await bob.WriteLineAsync("second line");
        var result = await bob.EndInputAndWaitForExitAsync();

        result.AssertExitCode(0);
        result.AssertPrinted("bob joined the chat!", "bob: hello from a pipe", "alice: hi bob", "bob: second line");
        await alice.ExpectLinesAsync("bob: second line", "bob left the chat!");
    }

    [Fact]
    public async Task PipedClientTakesItsNicknameFromTheFirstLineWithoutNickOption()
    {
        await using var server = await TestChatServer.StartAsync();
        var alice = await server.JoinAsync("alice");

        var result = await ClientProcess.RunAsync(server.ChatPort, ["bob", "hello"]);

        result.AssertExitCode(0);
        result.AssertPrinted("bob joined the chat!", "bob: hello");
        await alice.ExpectLinesAsync("bob joined the chat!", "bob: hello", "bob left the chat!");
    }

    [Fact]
    public async Task PipedClientWithARefusedNicknameReportsTheErrorAndExitsWithOne()
    {
        await using var server = await TestChatServer.StartAsync();
        var bob = await server.JoinAsync("bob");

        var result = await ClientProcess.RunAsync(server.ChatPort, ["hello"], "--nick", "BOB");

        result.AssertExitCode(1);
        Assert.True(result.Stderr.Contains("ERR nickname 'BOB' is already in use", StringComparison.Ordinal),
            $"the refusal is not on standard error.{result.Description}");
        await bob.ExpectNothingPendingAsync();
    }

    [Fact]
    public async Task PipedClientWhoseServerGoesAwayExitsWithOneEvenThoughItsInputIsStillOpen()
    {
        var server = await TestChatServer.StartAsync();
        var alice = await server.JoinAsync("alice");
        using var bob = ClientProcess.Start(server.ChatPort, "--nick", "bob");
        await bob.WriteLineAsync("hello");
        await alice.ExpectLinesAsync("bob joined the chat!", "bob: hello");

        await server.DisposeAsync(); // a tail -f | client pipeline never ends its input: the client must not wait for it

        var result = await bob.WaitForExitWithInputOpenAsync();
        result.AssertExitCode(1);
        result.AssertPrinted("bob: hello", "Server is shutting down.");
        Assert.True(result.Stderr.Contains("closed before all input had been delivered", StringComparison.Ordinal),
            $"the client did not say why it stopped.{result.Description}");
    }
}
