using ChatRoom.Protocol.Text.Unicode;

namespace ChatRoom.Protocol.Tests;

/// <summary>The generated Unicode tables: their version, and a sample of what each holds.</summary>
public sealed class UnicodeTablesTests
{
    [Fact]
    public void EveryTableComesFromOneUnicodeVersion()
    {
        Assert.Equal("15.0.0", ConfusableSkeleton.UnicodeVersion);
        Assert.Equal(ConfusableSkeleton.UnicodeVersion, CaseFolding.UnicodeVersion);
        Assert.Equal(ConfusableSkeleton.UnicodeVersion, DefaultIgnorable.UnicodeVersion);
    }

    [Theory]
    [InlineData("hello", "hello")]
    [InlineData("HELLO", "hello")]
    [InlineData("Straße", "strasse")]
    [InlineData("ΣΊΣΥΦΟΣ", "σίσυφοσ")] // final and medial sigma fold alike
    [InlineData("ı", "ı")] // dotless i has no case partner to fold to
    [InlineData("İ", "i\u0307")]
    [InlineData("Ꭰ", "Ꭰ")] // Cherokee folds to upper case
    [InlineData("𐐀", "𐐨")] // Deseret, outside the BMP
    public void CaseFoldingIsUnicodesFullFolding(string text, string folded)
    {
        Assert.Equal(folded, CaseFolding.Fold(text));
    }

    [Theory]
    [InlineData("paypal", "paypal")]
    [InlineData("\u0440\u0430\u0443\u0440\u0430l", "paypal")]
    [InlineData("m", "rn")]
    [InlineData("0", "o")] // its prototype, capital O, stored folded
    [InlineData("1", "l")]
    [InlineData("\u1D0F", "o")] // small capital O
    [InlineData("é", "e\u0301")] // NFD on both sides
    public void SkeletonMapsEachCharacterToItsFoldedPrototype(string text, string skeleton)
    {
        Assert.Equal(skeleton, ConfusableSkeleton.Of(text));
    }

    [Theory]
    [InlineData(0x00AD, true)]
    [InlineData(0x115F, true)]
    [InlineData(0x1160, true)]
    [InlineData(0x200B, true)]
    [InlineData(0x200D, true)]
    [InlineData(0x3164, true)]
    [InlineData(0xFE0F, true)]
    [InlineData(0xFFA0, true)]
    [InlineData(0xE0041, true)]
    [InlineData(0xE0FFF, true)]
    [InlineData(0x0041, false)]
    [InlineData(0x0640, false)]
    [InlineData(0x200A, false)]
    [InlineData(0xE1000, false)]
    [InlineData(0x10FFFF, false)]
    public void DefaultIgnorableIsTheDerivedProperty(int codePoint, bool ignorable)
    {
        Assert.Equal(ignorable, DefaultIgnorable.Contains(codePoint));
    }
}
