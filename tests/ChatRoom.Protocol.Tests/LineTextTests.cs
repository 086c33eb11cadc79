using System.Text;
using ChatRoom.Protocol.Tests.Harness;
using ChatRoom.Protocol.Text;

namespace ChatRoom.Protocol.Tests;

/// <summary>What may reach other people's terminals: any script and emoji, but nothing that controls or reorders the display.</summary>
public sealed class LineTextTests
{
    public static TheoryData<string, TextProblem> Texts => new()
    {
        { "hello, world", TextProblem.None },
        { "", TextProblem.None },
        { "tab\tseparated", TextProblem.None },
        { "emoji 😀 🎉", TextProblem.None },
        { "family 👨‍👩‍👧‍👦 and rainbow flag 🏳️‍🌈", TextProblem.None },
        { "Ωμέγα, 名前, مرحبا, שלום, привет, नमस्ते", TextProblem.None },
        { "non-breaking\u00A0space and ¢ (C2 A2) and † (E2 80 A0)", TextProblem.None },
        { "left-to-right mark \u200E and zero-width joiner a\u200Db", TextProblem.None },
        { "Persian with a zero-width non-joiner: \u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645", TextProblem.None },
        { "flags 🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F and 🏳️‍⚧️", TextProblem.None },
        { "keycap 1\uFE0F\u20E3, Hindi हिन्दी, Thai น้ำ, Hebrew שָׁלוֹם, Vietnamese Tiê\u0323\u0302ng", TextProblem.None },
        { "five marks on one letter: a\u0301\u0302\u0303\u0304\u0305\u0306", TextProblem.None },
        { "soft\u00ADhyphen and no-break\u00A0space", TextProblem.None },
        { "\u202F\u2065\u206A", TextProblem.None },
        { "\u001B[31mred", TextProblem.ControlCharacter },
        { "bell\u0007", TextProblem.ControlCharacter },
        { "carriage\rreturn", TextProblem.ControlCharacter },
        { "line\nfeed", TextProblem.ControlCharacter },
        { "nul\0", TextProblem.ControlCharacter },
        { "\u0001", TextProblem.ControlCharacter },
        { "\u001F", TextProblem.ControlCharacter },
        { "delete\u007F", TextProblem.ControlCharacter },
        { "next line \u0085", TextProblem.ControlCharacter },
        { "CSI \u009B31m", TextProblem.ControlCharacter },
        { "\u0080", TextProblem.ControlCharacter },
        { "\u009F", TextProblem.ControlCharacter },
        { "\u202Eevil.exe", TextProblem.DirectionOverride },
        { "embedding \u202A", TextProblem.DirectionOverride },
        { "isolate \u2066x", TextProblem.DirectionOverride },
        { "pop isolate \u2069", TextProblem.DirectionOverride },
        { "\u202B\u202C\u202D", TextProblem.DirectionOverride },
        { "\u2067\u2068", TextProblem.DirectionOverride },

        { "line\u2028separator", TextProblem.LineSeparator },
        { "paragraph\u2029separator", TextProblem.LineSeparator },
        { "zero\u200Bwidth space", TextProblem.InvisibleCharacter },
        { "\u200B", TextProblem.InvisibleCharacter },
        { "word\u2060joiner", TextProblem.InvisibleCharacter },
        { "byte order mark \uFEFF", TextProblem.InvisibleCharacter },
        { "invisible\u2062times", TextProblem.InvisibleCharacter },
        { "Hangul fillers \u115F \u1160 \u3164 \uFFA0", TextProblem.InvisibleCharacter },
        { "\u3164", TextProblem.InvisibleCharacter },
        { "joiner at the end\u200D", TextProblem.InvisibleCharacter },
        { "\u200Cjoiner at the start", TextProblem.InvisibleCharacter },
        { "joiner before a space\u200D ", TextProblem.InvisibleCharacter },
        { "two joiners a\u200D\u200Db", TextProblem.InvisibleCharacter },
        { "hidden \U000E0068\U000E0069 tags", TextProblem.InvisibleCharacter },
        { "tag letters after a letter a\U000E0067\U000E0062\U000E007F", TextProblem.InvisibleCharacter },
        { "a flag never cancelled 🏴\U000E0067\U000E0062", TextProblem.InvisibleCharacter },
        { "a flag with too many tags 🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E0061\U000E0061\U000E007F", TextProblem.InvisibleCharacter },
        { "upper-case tag letters 🏴\U000E0047\U000E0042\U000E007F", TextProblem.InvisibleCharacter },
        { "seven marks: a\u0301\u0302\u0303\u0304\u0305\u0306\u0307", TextProblem.CombiningMarks },
        { "marks split by a joiner: a\u0301\u0302\u0303\u0304\u200D\u0305\u0306\u0307", TextProblem.CombiningMarks },
        { "Zalgo: H" + string.Concat(Enumerable.Repeat("\u0336\u0335", 1000)), TextProblem.CombiningMarks },

        // The first problem in a line is the answer...
        { "\u2028 then \u200B", TextProblem.LineSeparator },
        { "\u200B then \u202E", TextProblem.InvisibleCharacter },

        // ...except that control characters win, whichever comes first and however the line arrived.
        { "\u200B then \u0007", TextProblem.ControlCharacter },
        { "\u202E then \u001B[31m", TextProblem.ControlCharacter },
        { "\u202E then \u0085", TextProblem.ControlCharacter },
        { "\u009B then \u202E", TextProblem.ControlCharacter },
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void StringIsCheckedAsExpected(string text, TextProblem expected)
    {
        Assert.Equal(expected, LineText.Check(text));
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void ItsUtf8BytesAreCheckedTheSameWay(string text, TextProblem expected)
    {
        Assert.Equal(expected, LineText.Check(Encoding.UTF8.GetBytes(text)));
    }

    [Theory]
    [InlineData("FF")]
    [InlineData("FF FE")]
    [InlineData("68 69 80")] // a continuation byte with no lead
    [InlineData("C3")] // truncated two-byte sequence
    [InlineData("E2 82")] // truncated three-byte sequence
    [InlineData("F0 9F 98")] // truncated emoji
    [InlineData("C0 AF")] // overlong '/'
    [InlineData("E0 80 AF")] // overlong '/'
    [InlineData("C1 BF")]
    [InlineData("ED A0 80")] // UTF-16 surrogate U+D800
    [InlineData("ED BF BF")] // UTF-16 surrogate U+DFFF
    [InlineData("F4 90 80 80")] // beyond U+10FFFF
    [InlineData("C2")] // the lead byte of C1 controls, alone at the end
    [InlineData("E2 80")] // the start of a bidi control, cut short
    public void InvalidUtf8IsRefused(string hex)
    {
        Assert.Equal(TextProblem.InvalidUtf8, LineText.Check(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal))));
    }

    [Fact]
    public void ByteAndStringChecksAgreeOnRandomText()
    {
        Randomized.RunQuick(AssertChecksAgree);
    }

    [LongRunFact]
    public void ByteAndStringChecksAgreeOnRandomTextInALongerRun()
    {
        Randomized.RunLong(AssertChecksAgree);
    }

    [Theory]
    [InlineData(TextProblem.InvalidUtf8, "line is not valid UTF-8")]
    [InlineData(TextProblem.ControlCharacter, "line contains control characters")]
    [InlineData(TextProblem.DirectionOverride, "line contains bidirectional override characters")]
    [InlineData(TextProblem.LineSeparator, "line contains a Unicode line or paragraph separator")]
    [InlineData(TextProblem.InvisibleCharacter, "line contains invisible characters")]
    [InlineData(TextProblem.CombiningMarks, "line stacks more than 6 combining marks on one character")]
    public void ProblemsAreDescribedAsTheProtocolDocumentSays(TextProblem problem, string description)
    {
        Assert.Equal(description, LineText.Describe(problem));
    }

    [Theory]
    [InlineData(TextProblem.InvalidUtf8, "invalid_utf8")]
    [InlineData(TextProblem.ControlCharacter, "control_character")]
    [InlineData(TextProblem.DirectionOverride, "direction_override")]
    [InlineData(TextProblem.LineSeparator, "line_separator")]
    [InlineData(TextProblem.InvisibleCharacter, "invisible_character")]
    [InlineData(TextProblem.CombiningMarks, "combining_marks")]
    public void ProblemsHaveTheCodesOfTheProtocolDocument(TextProblem problem, string code)
    {
        Assert.Equal(code, LineText.Code(problem));
    }

    /// <summary>Code points from around every boundary the checks draw, encoded both ways.</summary>
    private static void AssertChecksAgree(Random random)
    {
        var text = new StringBuilder();
        for (var i = random.Next(0, 12); i > 0; i--)
        {
            var (from, to) = random.Pick(InterestingRanges);
            text.Append(char.ConvertFromUtf32(random.Next(from, to + 1)));
        }

        var s = text.ToString();
        Assert.True(
            LineText.Check(s) == LineText.Check(Encoding.UTF8.GetBytes(s)),
            $"\"{Escaped(s)}\": string check {LineText.Check(s)}, byte check {LineText.Check(Encoding.UTF8.GetBytes(s))}");
    }

    private static readonly (int From, int To)[] InterestingRanges =
    [
        (0x00, 0x20), (0x20, 0x7E), (0x7F, 0xA0), (0xA0, 0x7FF), (0x2000, 0x2070), (0x3040, 0x30FF),
        (0xE000, 0xFFFD), (0x1F300, 0x1FAFF), (0xE0000, 0xE007F), (0x10FFF0, 0x10FFFF),
        (0x0300, 0x036F), (0x200B, 0x200D), (0x1F3F4, 0x1F3F4), (0xE0061, 0xE007F), (0x3164, 0x3164),
    ];

    private static string Escaped(string text) =>
        string.Concat(text.EnumerateRunes().Select(r => r.Value is >= 0x20 and < 0x7F ? r.ToString() : $"\\u{r.Value:X4}"));
}
