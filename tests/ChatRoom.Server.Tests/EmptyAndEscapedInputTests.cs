using ChatRoom.Protocol.Events;
using ChatRoom.Tests.Harness;

namespace ChatRoom.Server.Tests;

/// <summary>Input that used to get no answer, or a different one from its plain-line twin.</summary>
public sealed class EmptyAndEscapedInputTests
{
    [Fact]
    public async Task EmptyEnvelopeGetsAnError()
    {
        await using var server = await TestChatServer.StartAsync();
        var alice = await server.JoinAsync("alice");
        var carol = await server.ConnectAsync("carol");
        await carol.JoinStructuredAsync("carol");
        await alice.ExpectLineAsync("carol joined the chat!");

        await carol.SendLineAsync("{\"text\":\"\"}");

        var error = await carol.ExpectEventAsync(ChatEventKind.Error);
        Assert.Equal(("empty_text", "envelope text must not be empty"), (error.Code, error.Text));
        await alice.ExpectNothingPendingAsync();
    }

    [Fact]
    public async Task PrivateMessageTextIsUnescapedLikeAPlainLine()
    {
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob");

        await room[0].SendLineAsync("/msg bob //shrug");

        await room[1].ExpectLineAsync("[private] alice: /shrug");
        await room[0].ExpectLineAsync("[private to bob] /shrug");
    }

    [Fact]
    public async Task ActionTextIsUnescapedLikeAPlainLine()
    {
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob");

        await room[0].SendLineAsync("/me //waves");

        await room.AllExpectLinesAsync("* alice /waves");
    }
}
