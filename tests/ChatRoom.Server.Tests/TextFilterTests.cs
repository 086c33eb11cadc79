using System.Text;
using ChatRoom.Protocol.Events;
using ChatRoom.Tests.Harness;

namespace ChatRoom.Server.Tests;

/// <summary>
/// Text that would hide, break or smear what others see is refused with a reason, to its sender alone; text that real
/// scripts and emoji need passes.
/// </summary>
public sealed class TextFilterTests
{
    public static TheoryData<string, string> Refused => new()
    {
        { "line\u2028separator", "ERR line contains a Unicode line or paragraph separator" },
        { "paragraph\u2029separator", "ERR line contains a Unicode line or paragraph separator" },
        { "zero\u200Bwidth", "ERR line contains invisible characters" },
        { "\u2060", "ERR line contains invisible characters" },
        { "\uFEFFbom", "ERR line contains invisible characters" },
        { "\u3164", "ERR line contains invisible characters" },
        { "hidden \U000E0069\U000E0067\U000E006E\U000E006F\U000E0072\U000E0065 tags", "ERR line contains invisible characters" },
        { "Z" + string.Concat(Enumerable.Repeat("\u0336", 2000)), "ERR line stacks more than 6 combining marks on one character" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task RefusedTextReachesNobody(string text, string refusal)
    {
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob");

        await room[0].SendLineAsync(text);

        await room[0].ExpectLineAsync(refusal);
        await room[0].SendLineAsync("after");
        await room.AllExpectLinesAsync("alice: after");
    }

    [Theory]
    [InlineData("family 👨‍👩‍👧‍👦 and rainbow flag 🏳️‍🌈")]
    [InlineData("Scotland 🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F")]
    [InlineData("\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645")] // Persian, with a zero-width non-joiner
    [InlineData("नमस्ते, שָׁלוֹם, Tiếng Việt")]
    public async Task TextThatScriptsAndEmojiNeedPasses(string text)
    {
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob");

        await room[0].SendLineAsync(text);

        await room.AllExpectLinesAsync($"alice: {text}");
    }

    [Fact]
    public async Task EnvelopeTextIsFilteredLikeAPlainLine()
    {
        await using var server = await TestChatServer.StartAsync();
        var alice = await server.JoinAsync("alice");
        var carol = await server.ConnectAsync("carol");
        await carol.JoinStructuredAsync("carol");
        await alice.ExpectLineAsync("carol joined the chat!");

        await carol.SendRawAsync(Encoding.UTF8.GetBytes("{\"text\":\"a\\u2028b\"}\n"));

        var error = await carol.ExpectEventAsync(ChatEventKind.Error);
        Assert.Equal(("line_separator", "line contains a Unicode line or paragraph separator"), (error.Code, error.Text));
        await alice.ExpectNothingPendingAsync();
    }
}
