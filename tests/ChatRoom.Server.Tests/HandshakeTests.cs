using System.Diagnostics;
using ChatRoom.Tests.Harness;

namespace ChatRoom.Server.Tests;

public sealed class HandshakeTests
{
    [Fact]
    public async Task NewcomerIsAskedForANicknameThenWelcomedAndSeesItsOwnJoin()
    {
        await using var server = await TestChatServer.StartAsync();
        var alice = await server.ConnectAsync();

        await alice.ExpectLineAsync("NICK");
        await alice.SendLineAsync("alice");

        await alice.ExpectLinesAsync("Connected to the server!", "alice joined the chat!");
    }

    [Fact]
    public async Task EveryoneAlreadyInTheRoomSeesTheNewcomerJoinButNotItsWelcome()
    {
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob");

        await server.JoinAsync("carol");

        foreach (var member in room)
        {
            await member.ExpectLineAsync("carol joined the chat!");
            await member.ExpectNothingPendingAsync();
        }
    }

    [Theory]
    [InlineData("bad nick", "ERR nickname may not contain spaces")]
    [InlineData("tab\tnick", "ERR nickname may not contain spaces")]
    [InlineData("bad:nick", "ERR nickname may not contain ':'")]
    [InlineData("abcdefghijklmnopqrstuvwxyz1234567", "ERR nickname is longer than 32 characters")]
    [InlineData("bad!", "ERR nickname may contain only letters, digits, '_', '-' and '.'")]
    [InlineData("/who", "ERR nickname may contain only letters, digits, '_', '-' and '.'")]
    [InlineData("zero\u200Dwidth", "ERR nickname may not contain invisible characters")]
    [InlineData("bell\u0007", "ERR line contains control characters")]
    [InlineData("\u001b[31mred", "ERR line contains control characters")]
    [InlineData("evil\u202Eevil", "ERR line contains bidirectional override characters")]
    public async Task RefusedNicknameGetsOneErrorThenTheNicknamePromptAgain(string candidate, string expectedError)
    {
        await using var server = await TestChatServer.StartAsync();
        var client = await server.ConnectToNickPromptAsync();

        await client.SendLineAsync(candidate);

        await client.ExpectLinesAsync(expectedError, "NICK");
        await client.SendLineAsync("good_name");
        await client.ExpectLinesAsync("Connected to the server!", "good_name joined the chat!");
    }

    [Theory]
    [InlineData("ALICE")]
    [InlineData("Alice")]
    [InlineData("ａｌｉｃｅ")]
    public async Task NicknameThatDiffersOnlyInCaseOrCompatibilityFormIsInUse(string lookAlike)
    {
        await using var server = await TestChatServer.StartAsync();
        var alice = await server.JoinAsync("alice");
        var impostor = await server.ConnectToNickPromptAsync();

        await impostor.SendLineAsync(lookAlike);

        await impostor.ExpectLinesAsync($"ERR nickname '{lookAlike}' is already in use", "NICK");
        await impostor.SendLineAsync("alice2");
        await impostor.ExpectLinesAsync("Connected to the server!", "alice2 joined the chat!");
        await alice.ExpectLineAsync("alice2 joined the chat!");
    }

    [Fact]
    public async Task EmptyNicknameIsRefusedWithAReasonThenAskedForAgain()
    {
        await using var server = await TestChatServer.StartAsync();
        var client = await server.ConnectToNickPromptAsync();

        await client.SendLineAsync("");
        await client.ExpectLinesAsync("ERR nickname must not be empty", "NICK");
        await client.SendLineAsync("\r");
        await client.ExpectLinesAsync("ERR nickname must not be empty", "NICK");

        await client.SendLineAsync("bob");
        await client.ExpectLinesAsync("Connected to the server!", "bob joined the chat!");
    }

    [Fact]
    public async Task NickCommandIsAcceptedAsTheHandshakeAnswer()
    {
        await using var server = await TestChatServer.StartAsync();
        var client = await server.ConnectToNickPromptAsync();

        await client.SendLineAsync("/nick alice");

        await client.ExpectLinesAsync("Connected to the server!", "alice joined the chat!");
    }

    [Fact]
    public async Task PingAndQuitAreUnderstoodBeforeANickname()
    {
        await using var server = await TestChatServer.StartAsync();
        var client = await server.ConnectToNickPromptAsync();

        await client.SendLineAsync("/ping 1");
        await client.ExpectLineAsync("PONG 1");
        await client.SendLineAsync("/quit");

        await client.ExpectClosedAsync();
    }

    [Fact]
    public async Task HandshakeThatDoesNotFinishInTimeIsRefusedAndClosed()
    {
        await using var server = await TestChatServer.StartAsync("HandshakeTimeout=00:00:01");
        // Started before the connection, so before the server's deadline: what it measures is never less than the deadline.
        var connecting = Stopwatch.StartNew();
        var client = await server.ConnectToNickPromptAsync();
        await client.SendLineAsync("bad nick");
        await client.ExpectLinesAsync("ERR nickname may not contain spaces", "NICK");

        // A refused nickname neither ends the handshake nor starts its time again: the next line is the timeout's.
        await client.ExpectLineAsync("ERR handshake timed out");
        await client.ExpectClosedAsync();
        Assert.True(connecting.Elapsed >= TimeSpan.FromSeconds(0.9), $"timed out {connecting.Elapsed.TotalSeconds:0.00} s after connecting, before the 1 s deadline");
    }

    [Fact]
    public async Task HandshakeTimeoutDoesNotApplyOnceJoined()
    {
        await using var server = await TestChatServer.StartAsync("HandshakeTimeout=00:00:01");
        var alice = await server.JoinAsync("alice");

        // A connection accepted after alice's times out after hers would have: by then her deadline has passed too.
        var later = await server.ConnectToNickPromptAsync("later");
        await later.ExpectLineAsync("ERR handshake timed out");
        await later.ExpectClosedAsync();

        await alice.SendLineAsync("still here");
        await alice.ExpectLineAsync("alice: still here");
    }
}
