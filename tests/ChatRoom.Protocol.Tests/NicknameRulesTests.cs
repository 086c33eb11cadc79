using ChatRoom.Protocol.Tests.Support;
using ChatRoom.Protocol.Text;

namespace ChatRoom.Protocol.Tests;

/// <summary>Which nicknames are accepted, what a refused one is told, and which nicknames are the same name.</summary>
public sealed class NicknameRulesTests
{
    private const string OnlyLettersAndDigits = "nickname may contain only letters, digits, '_', '-' and '.'";

    [Theory]
    [InlineData("alice")]
    [InlineData("Bob_2")]
    [InlineData("a.b-c")]
    [InlineData("x")]
    [InlineData("Ωμέγα")]
    [InlineData("名前")]
    [InlineData("١٢٣")] // Arabic-Indic digits
    [InlineData("Zoë")]
    [InlineData("𐐀𐐁")] // Deseret letters: outside the BMP, two UTF-16 units each
    [InlineData("abcdefghijklmnopqrstuvwxyz012345")] // exactly 32
    public void AcceptedNicknameIsKeptAsWritten(string candidate)
    {
        Assert.True(NicknameRules.TryNormalize(candidate, out var nickname, out var error), error);
        Assert.Equal(candidate, nickname);
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData("", "nickname is empty")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456", "nickname is longer than 32 characters")] // 33
    [InlineData("bad nick", "nickname may not contain spaces")]
    [InlineData("\u00A0nbsp", "nickname may not contain spaces")]
    [InlineData("bob:", "nickname may not contain ':'")]
    [InlineData("/nick", OnlyLettersAndDigits)]
    [InlineData("esc\u001B[31m", OnlyLettersAndDigits)]
    [InlineData("nul\0", OnlyLettersAndDigits)]
    [InlineData("del\u007F", OnlyLettersAndDigits)]
    [InlineData("c1\u009B", OnlyLettersAndDigits)]
    [InlineData("nel\u0085", "nickname may not contain spaces")]
    [InlineData("evil\u202Eexe", OnlyLettersAndDigits)]
    [InlineData("zero\u200Bwidth", OnlyLettersAndDigits)]
    [InlineData("smile😀", OnlyLettersAndDigits)]
    [InlineData("a@b", OnlyLettersAndDigits)]
    public void RefusedNicknameIsToldWhy(string candidate, string expectedError)
    {
        Assert.False(NicknameRules.TryNormalize(candidate, out var nickname, out var error));
        Assert.Equal(expectedError, error);
        Assert.Equal("", nickname);
    }

    [Fact]
    public void LengthCountsCharactersNotUtf16Units()
    {
        Assert.True(NicknameRules.TryNormalize(string.Concat(Enumerable.Repeat("𐐀", 32)), out _, out _));
        Assert.False(NicknameRules.TryNormalize(string.Concat(Enumerable.Repeat("𐐀", 33)), out _, out _));
    }

    [Fact]
    public void DecomposedAccentIsComposedToNfcAndAccepted()
    {
        // "e" + COMBINING ACUTE ACCENT: a combining mark alone would be refused, so this needs real normalization.
        Assert.True(NicknameRules.TryNormalize("Rene\u0301", out var nickname, out var error), error);
        Assert.Equal("Ren\u00E9", nickname);
    }

    [Fact]
    public void LengthIsCountedAfterComposition()
    {
        var decomposed = string.Concat(Enumerable.Repeat("e\u0301", 32)); // 64 UTF-16 units, 32 characters once composed

        Assert.True(NicknameRules.TryNormalize(decomposed, out var nickname, out var error), error);
        Assert.Equal(new string('\u00E9', 32), nickname);
    }

    [Theory]
    [InlineData("alice", "ALICE")]
    [InlineData("alice", "Alice")]
    [InlineData("Ωμέγα", "ΩΜΈΓΑ")]
    public void NicknamesDifferingOnlyInCaseShareAKey(string one, string other)
    {
        Assert.Equal(NicknameRules.Key(one), NicknameRules.Key(other));
    }

    [Theory]
    [InlineData("alice", "ａｌｉｃｅ")] // fullwidth
    [InlineData("alice", "Ａlice")]
    [InlineData("alice", "𝐚𝐥𝐢𝐜𝐞")] // mathematical bold: letters, so a valid nickname
    [InlineData("René", "RENE\u0301")] // composed and decomposed
    public void NicknamesDifferingOnlyInCompatibilityFormShareAKey(string one, string other)
    {
        Assert.Equal(NicknameRules.Key(one), NicknameRules.Key(other));
    }

    [Theory]
    [InlineData("alice", "alice2")]
    [InlineData("alice", "alic")]
    [InlineData("bob", "b.ob")]
    [InlineData("René", "Rene")]
    public void DifferentNicknamesHaveDifferentKeys(string one, string other)
    {
        Assert.NotEqual(NicknameRules.Key(one), NicknameRules.Key(other));
    }
}
