using ChatRoom.Client.Terminal;

namespace ChatRoom.Client.Tests;

/// <summary>What each key does to the line being typed (<see cref="InputLine"/>), with no console.</summary>
public sealed class InputLineTests
{
    private readonly InputLine _input = new();

    [Fact]
    public void EnterSendsWhatWasTypedAndStartsAnEmptyLine()
    {
        Type("hello");

        Assert.Equal("hello", Press(ConsoleKey.Enter));
        Assert.Equal(("", 0), (_input.Text, _input.Cursor));
    }

    [Fact]
    public void CharactersGoInAtTheCursor()
    {
        Type("helo");
        Press(ConsoleKey.LeftArrow);
        Type("l");
        Press(ConsoleKey.Home);
        Type(">");
        Press(ConsoleKey.End);
        Type("!");

        Assert.Equal(">hello!", _input.Text);
    }

    [Fact]
    public void BackspaceAndDeleteRemoveEitherSideOfTheCursorAndStopAtTheEnds()
    {
        Type("abc");
        Press(ConsoleKey.Delete);
        Press(ConsoleKey.LeftArrow);
        Press(ConsoleKey.Backspace);

        Assert.Equal(("ac", 1), (_input.Text, _input.Cursor));

        Press(ConsoleKey.Backspace);
        Press(ConsoleKey.Backspace);
        Assert.Equal(("c", 0), (_input.Text, _input.Cursor));
    }

    [Fact]
    public void ControlKeysMoveAndClearLikeAShell()
    {
        Type("world");
        Press(ConsoleKey.A, control: true);
        Type("hello ");
        Press(ConsoleKey.E, control: true);

        Assert.Equal(("hello world", 11), (_input.Text, _input.Cursor));

        Press(ConsoleKey.U, control: true);
        Assert.Equal(("", 0), (_input.Text, _input.Cursor));
        Type("x");
        Press(ConsoleKey.Escape);
        Assert.Equal("", _input.Text);
    }

    [Fact]
    public void ControlDEndsTheInputOnlyOnAnEmptyLine()
    {
        Type("not yet");
        Assert.False(_input.Apply(Key(ConsoleKey.D, '\u0004', control: true), out _));
        Assert.Equal("not yet", _input.Text);

        Press(ConsoleKey.U, control: true);
        Assert.True(_input.Apply(Key(ConsoleKey.D, '\u0004', control: true), out var line));
        Assert.Null(line);
    }

    [Fact]
    public void UpAndDownRecallSentLinesOnceEachNewestFirst()
    {
        Send("first");
        Send("second");
        Send("second");
        Send("");

        Press(ConsoleKey.UpArrow);
        Assert.Equal(("second", 6), (_input.Text, _input.Cursor));
        Press(ConsoleKey.UpArrow);
        Assert.Equal("first", _input.Text);
        Press(ConsoleKey.UpArrow);
        Assert.Equal("first", _input.Text);
        Press(ConsoleKey.DownArrow);
        Assert.Equal("second", _input.Text);
        Press(ConsoleKey.DownArrow);
        Assert.Equal("", _input.Text);
    }

    [Fact]
    public void HistoryKeepsTheLatestLinesOnly()
    {
        for (var i = 0; i <= InputLine.MaxHistory; i++)
        {
            Send($"line {i}");
        }

        for (var i = 0; i < InputLine.MaxHistory + 5; i++)
        {
            Press(ConsoleKey.UpArrow);
        }

        Assert.Equal("line 1", _input.Text);
    }

    [Fact]
    public void ControlCharactersAreNotTyped()
    {
        Type("a");
        _input.Apply(Key(ConsoleKey.Tab, '\t'), out _);
        _input.Apply(Key(ConsoleKey.B, '\u0002', control: true), out _);

        Assert.Equal("a", _input.Text);
    }

    [Fact]
    public void LongInputScrollsSidewaysToKeepTheCursorInView()
    {
        Type("abcdefghij");

        Assert.Equal(("ghij", 0), _input.View(columns: 5));

        for (var i = 0; i < 8; i++)
        {
            Press(ConsoleKey.LeftArrow);
        }

        Assert.Equal(("abcde", 3), _input.View(columns: 5));
        Assert.Equal(("abcdefghij", 8), _input.View(columns: 80));
    }

    private void Type(string text)
    {
        foreach (var c in text)
        {
            Assert.False(_input.Apply(Key(ConsoleKey.NoName, c), out _));
        }
    }

    private void Send(string text)
    {
        Type(text);
        Assert.Equal(text, Press(ConsoleKey.Enter));
    }

    private string? Press(ConsoleKey key, bool control = false)
    {
        _input.Apply(Key(key, '\0', control), out var line);
        return line;
    }

    private static ConsoleKeyInfo Key(ConsoleKey key, char c, bool control = false) =>
        new(c, key, shift: false, alt: false, control: control);
}
