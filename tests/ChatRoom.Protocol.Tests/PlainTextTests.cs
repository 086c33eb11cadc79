using ChatRoom.Protocol.Events;

namespace ChatRoom.Protocol.Tests;

/// <summary>The lines a person sees with nc: exactly the table in docs/protocol.md.</summary>
public sealed class PlainTextTests
{
    private static readonly ChatEvent PrivateMessage = new() { Kind = ChatEventKind.Private, From = "alice", To = "bob", Text = "just between us" };

    public static TheoryData<ChatEvent, string> EventsAndTheirLines => new()
    {
        { new ChatEvent { Kind = ChatEventKind.Nick, Text = "NICK" }, "NICK" },
        { new ChatEvent { Kind = ChatEventKind.Nick }, "NICK" },
        { new ChatEvent { Kind = ChatEventKind.Message, From = "alice", Text = "hello" }, "alice: hello" },
        { new ChatEvent { Kind = ChatEventKind.Message, From = "alice", Text = "bob: hi" }, "alice: bob: hi" },
        { new ChatEvent { Kind = ChatEventKind.Action, From = "alicia", Text = "waves" }, "* alicia waves" },
        { new ChatEvent { Kind = ChatEventKind.Message, From = "alice", Text = "hello", History = true }, "[history] alice: hello" },
        { new ChatEvent { Kind = ChatEventKind.Action, From = "alicia", Text = "waves", History = true }, "[history] * alicia waves" },
        { new ChatEvent { Kind = ChatEventKind.Join, From = "bob" }, "bob joined the chat!" },
        { new ChatEvent { Kind = ChatEventKind.Leave, From = "bob", Code = "dropped" }, "bob left the chat!" },
        { new ChatEvent { Kind = ChatEventKind.Rename, From = "alice", Nick = "alicia" }, "alice is now known as alicia" },
        { new ChatEvent { Kind = ChatEventKind.System, Text = "Connected to the server!", Code = "welcome" }, "Connected to the server!" },
        { new ChatEvent { Kind = ChatEventKind.System, Text = "Users here (2)", Code = "who", Users = ["alice", "bob"] }, "Users here (2): alice, bob" },
        { new ChatEvent { Kind = ChatEventKind.System, Text = "Users here (900), part 2 of 3", Code = "who", Users = ["x", "y"], Part = 2, Parts = 3 }, "Users here (900), part 2 of 3: x, y" },
        { new ChatEvent { Kind = ChatEventKind.System, Text = "PONG 42", Code = "pong" }, "PONG 42" },
        { new ChatEvent { Kind = ChatEventKind.System }, "" },
        { new ChatEvent { Kind = ChatEventKind.Error, Text = "line is longer than 4096 bytes", Code = "line_too_long" }, "ERR line is longer than 4096 bytes" },
        { new ChatEvent { Kind = ChatEventKind.Error, Text = "unknown command '/dance' (try /help)", Code = "unknown_command" }, "ERR unknown command '/dance' (try /help)" },
    };

    [Theory]
    [MemberData(nameof(EventsAndTheirLines))]
    public void EventIsRenderedAsItsPlainLine(ChatEvent e, string line)
    {
        Assert.Equal(line, PlainText.Render(e));
        Assert.Equal(line, PlainText.Render(e, viewer: "someone"));
    }

    [Fact]
    public void EveryKindHasARenderingTest()
    {
        var tested = EventsAndTheirLines.Select(row => ((ChatEvent)row[0]).Kind).Append(ChatEventKind.Private).ToHashSet();

        Assert.Equal(Enum.GetValues<ChatEventKind>().ToHashSet(), tested);
    }

    [Fact]
    public void PrivateMessageAsItsTargetSeesIt()
    {
        Assert.Equal("[private] alice: just between us", PlainText.Render(PrivateMessage, viewer: "bob"));
    }

    [Fact]
    public void PrivateMessageAsItsSenderSeesIt()
    {
        Assert.Equal("[private to bob] just between us", PlainText.Render(PrivateMessage, viewer: "alice"));
    }

    [Fact]
    public void PrivateMessageWithoutAViewerReadsAsTheTargetSeesIt()
    {
        Assert.Equal("[private] alice: just between us", PlainText.Render(PrivateMessage));
    }

    [Theory]
    [InlineData("[history] bob: hi")]
    [InlineData("[history]")]
    public void NoLiveLineCanPassForHistory(string text)
    {
        Assert.False(PlainText.Render(new ChatEvent { Kind = ChatEventKind.Message, From = "mallory", Text = text }).StartsWith(PlainText.HistoryPrefix, StringComparison.Ordinal));
        Assert.False(PlainText.Render(new ChatEvent { Kind = ChatEventKind.Action, From = "mallory", Text = text }).StartsWith(PlainText.HistoryPrefix, StringComparison.Ordinal));
    }

    [Fact]
    public void FixedLinesAreTheOnesClientsWaitFor()
    {
        Assert.Equal("NICK", PlainText.NickPrompt);
        Assert.Equal("Connected to the server!", PlainText.Welcome);
        Assert.Equal("ERR ", PlainText.ErrorPrefix);
    }
}
