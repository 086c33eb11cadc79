using System.Text;
using ChatRoom.Protocol.Commands;
using ChatRoom.Protocol.Tests.Harness;

namespace ChatRoom.Protocol.Tests;

/// <summary>How an input line is understood: text for the room, or a command with its argument.</summary>
public sealed class ChatLineTests
{
    private static readonly string[] CommandNames = ["who", "msg", "nick", "me", "quit", "help", "json", "ping"];

    [Theory]
    [InlineData("hello")]
    [InlineData("")]
    [InlineData(" /who")]
    [InlineData("bob: hi")]
    [InlineData("a/b")]
    [InlineData("{\"text\":\"/who\"}")]
    public void LineNotBeginningWithSlashIsTextUnchanged(string line)
    {
        var parsed = ChatLine.Parse(line);

        Assert.True(parsed.IsText);
        Assert.Equal(new ChatLine(CommandName.None, line, ""), parsed);
    }

    [Theory]
    [InlineData("//shrug", "/shrug")]
    [InlineData("//", "/")]
    [InlineData("// spaced ", "/ spaced ")]
    [InlineData("//who", "/who")]
    [InlineData("///", "//")]
    public void DoubleSlashIsTextWithOneSlashRemoved(string line, string text)
    {
        Assert.Equal(new ChatLine(CommandName.None, text, ""), ChatLine.Parse(line));
    }

    [Theory]
    [InlineData("/who", CommandName.Who, "who", "")]
    [InlineData("/msg bob just between us", CommandName.Msg, "msg", "bob just between us")]
    [InlineData("/nick alicia", CommandName.Nick, "nick", "alicia")]
    [InlineData("/me waves", CommandName.Me, "me", "waves")]
    [InlineData("/quit", CommandName.Quit, "quit", "")]
    [InlineData("/quit see you", CommandName.Quit, "quit", "see you")]
    [InlineData("/help", CommandName.Help, "help", "")]
    [InlineData("/json", CommandName.Json, "json", "")]
    [InlineData("/ping", CommandName.Ping, "ping", "")]
    [InlineData("/ping 42", CommandName.Ping, "ping", "42")]
    [InlineData("/WHO", CommandName.Who, "WHO", "")]
    [InlineData("/Msg bob hi", CommandName.Msg, "Msg", "bob hi")]
    [InlineData("/nIcK alicia", CommandName.Nick, "nIcK", "alicia")]
    [InlineData("/ME waves", CommandName.Me, "ME", "waves")]
    [InlineData("/Quit", CommandName.Quit, "Quit", "")]
    [InlineData("/HELP", CommandName.Help, "HELP", "")]
    [InlineData("/Json", CommandName.Json, "Json", "")]
    [InlineData("/PiNg 42", CommandName.Ping, "PiNg", "42")]
    public void EachCommandIsRecognisedInAnyCaseWithItsNameAsTypedAndItsArgument(string line, CommandName command, string name, string argument)
    {
        var parsed = ChatLine.Parse(line);

        Assert.False(parsed.IsText);
        Assert.Equal(new ChatLine(command, argument, name), parsed);
    }

    [Theory]
    [InlineData("/nick   bob  ", "bob")]
    [InlineData("/msg bob   hi  there ", "bob   hi  there")]
    [InlineData("/me   ", "")]
    [InlineData("/me \tdances\t", "\tdances\t")]
    public void ArgumentLosesSurroundingSpacesOnly(string line, string argument)
    {
        Assert.Equal(argument, ChatLine.Parse(line).Argument);
    }

    [Theory]
    [InlineData("/dance", "dance", "")]
    [InlineData("/Dance wildly", "Dance", "wildly")]
    [InlineData("/whois bob", "whois", "bob")]
    [InlineData("/who?", "who?", "")]
    [InlineData("/", "", "")]
    [InlineData("/ who", "", "who")]
    [InlineData("/mſg bob hi", "mſg", "bob hi")] // long s: upper-cases to 'S' under ICU
    [InlineData("/quıt", "quıt", "")] // dotless i
    public void UnknownCommandKeepsItsNameForTheErrorMessage(string line, string name, string argument)
    {
        Assert.Equal(new ChatLine(CommandName.Unknown, argument, name), ChatLine.Parse(line));
    }

    [Theory]
    [InlineData("bob just between us", "bob", "just between us")]
    [InlineData("bob    hi  there ", "bob", "hi  there ")]
    [InlineData("bob", "bob", "")]
    [InlineData("bob ", "bob", "")]
    [InlineData("", "", "")]
    [InlineData("bob //slash", "bob", "/slash")] // unescaped as a plain line is
    [InlineData("bob /slash", "bob", "/slash")]
    [InlineData("bob ///", "bob", "//")]
    public void SplitTargetSeparatesTheNicknameFromTheText(string argument, string target, string text)
    {
        Assert.Equal((target, text), ChatLine.SplitTarget(argument));
    }

    [Fact]
    public void RandomLinesKeepTheParsingInvariants()
    {
        Randomized.RunQuick(AssertInvariants);
    }

    [LongRunFact]
    public void RandomLinesKeepTheParsingInvariantsInALongerRun()
    {
        Randomized.RunLong(AssertInvariants);
    }

    private static void AssertInvariants(Random random)
    {
        var line = RandomLine(random);
        var parsed = ChatLine.Parse(line);

        if (!line.StartsWith('/'))
        {
            Assert.Equal(new ChatLine(CommandName.None, line, ""), parsed);
        }
        else if (line.StartsWith("//", StringComparison.Ordinal))
        {
            // The escape removes exactly one '/': "//x" says "/x".
            Assert.Equal(new ChatLine(CommandName.None, line[1..], ""), parsed);
        }
        else
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var name = space < 0 ? line[1..] : line[1..space];
            var argument = space < 0 ? "" : line[(space + 1)..];
            var known = Array.FindIndex(CommandNames, n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
            var command = known < 0 ? CommandName.Unknown : Enum.Parse<CommandName>(CommandNames[known], ignoreCase: true);

            Assert.Equal(new ChatLine(command, argument.Trim(' '), name), parsed);
            Assert.Equal(command, ChatLine.Parse(RandomCase(random, line)).Command);
        }
    }

    private static readonly string[] Tokens =
    [
        " ", "  ", "/", "//", "\t", "bob", "hi", "é", "e\u0301", "😀", "\uD800", "\u202E", "ı", "ſ", "\u212A", "quıt", "mſg",
        "\u0130", "\r", "{", "\"",
    ];

    /// <summary>Slashes, spaces, command names in any case, look-alike letters, emoji and broken UTF-16 in any order.</summary>
    private static string RandomLine(Random random)
    {
        var line = new StringBuilder(random.Pick(["", "/", "/", "//", " /", "x"]));
        if (random.Next(3) > 0)
        {
            line.Append(RandomCase(random, random.Pick(CommandNames)));
        }

        for (var i = random.Next(0, 6); i > 0; i--)
        {
            line.Append(random.Pick(Tokens));
        }

        return line.ToString();
    }

    /// <summary>Changes the case of ASCII letters only: the case a user may type a command name in.</summary>
    private static string RandomCase(Random random, string text) =>
        string.Concat(text.Select(c => !char.IsAsciiLetter(c) ? c : random.Next(2) == 0 ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)));
}
