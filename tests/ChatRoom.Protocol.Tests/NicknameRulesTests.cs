using ChatRoom.Protocol.Tests.Harness;
using ChatRoom.Protocol.Text;

namespace ChatRoom.Protocol.Tests;

/// <summary>Which nicknames are accepted, what a refused one is told, and which nicknames are the same name.</summary>
public sealed class NicknameRulesTests
{
    private const string OnlyLettersAndDigits = "nickname may contain only letters, digits, '_', '-' and '.'";
    private const string Invisible = "nickname may not contain invisible characters";

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
    [InlineData("हिन्दी")] // Devanagari vowel signs and virama: combining marks after letters
    [InlineData("สมชาย_นิด")] // Thai vowel above
    [InlineData("שָׁלוֹם")] // Hebrew points
    [InlineData("محمد")]
    [InlineData("Nguyễn")]
    public void AcceptedNicknameIsKeptAsWritten(string candidate)
    {
        Assert.True(NicknameRules.TryNormalize(candidate, out var nickname, out var error), error);
        Assert.Equal(candidate, nickname);
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData("", "nickname must not be empty")]
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
    [InlineData("evil\u202Eexe", Invisible)]
    [InlineData("zero\u200Bwidth", Invisible)]
    [InlineData("zero\u200Dwidth", Invisible)]
    [InlineData("zero\u200Cwidth", Invisible)]
    [InlineData("alice\u115F", Invisible)] // Hangul choseong filler: a letter that shows as nothing
    [InlineData("alice\u3164", Invisible)]
    [InlineData("\u3164", Invisible)]
    [InlineData("\uFFA0\u1160", Invisible)]
    [InlineData("alice\uFE0F", Invisible)] // variation selector
    [InlineData("alice\u00AD", Invisible)] // soft hyphen
    [InlineData("ali\u0640ce", OnlyLettersAndDigits)] // Arabic tatweel
    [InlineData("\u0640", OnlyLettersAndDigits)]
    [InlineData("\u0301alice", OnlyLettersAndDigits)] // a combining mark with no letter before it
    [InlineData("bob.\u0301", OnlyLettersAndDigits)]
    [InlineData("1\u20E3", OnlyLettersAndDigits)] // enclosing keycap
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
    [InlineData("Ian", "lan")] // capital I and small l look alike, but the fold comes first: a documented limit
    [InlineData("ian", "lan")]
    [InlineData("bob", "bobby")]
    [InlineData("anna", "hanna")]
    [InlineData("sam", "pam")]
    [InlineData("hindi", "हिन्दी")]
    [InlineData("vv", "w")]
    public void DifferentNicknamesHaveDifferentKeys(string one, string other)
    {
        Assert.NotEqual(NicknameRules.Key(one), NicknameRules.Key(other));
    }

    [Theory]
    [InlineData("alice", "\u0430lice")] // Cyrillic а
    [InlineData("alice", "\u0410LICE")] // Cyrillic А, upper case
    [InlineData("bob", "b\u03BFb")] // Greek ο
    [InlineData("bob", "B\u039FB")] // Greek Ο
    [InlineData("paypal", "\u0440\u0430\u0443\u0440\u0430l")] // Cyrillic р, а, у
    [InlineData("m", "rn")] // UTS #39 says so: "rnallory" takes the place of "mallory"
    [InlineData("mallory", "rnallory")]
    [InlineData("bob", "b0b")] // digit zero and letter o, after folding
    [InlineData("BOB", "B0B")]
    [InlineData("alice1", "alicel")] // digit one and letter l
    [InlineData("alice", "ALIcE")]
    [InlineData("strasse", "Straße")] // full case folding: ß is ss
    [InlineData("STRASSE", "straẞe")]
    [InlineData("scope", "ѕсоре")] // all Cyrillic
    [InlineData("ali", "al\u0131")] // dotless ı
    [InlineData("Zoë", "Zoe\u0308")]
    public void LookAlikeNicknamesShareAKey(string one, string other)
    {
        Assert.Equal(NicknameRules.Key(one), NicknameRules.Key(other));
    }

    [Fact]
    public void KeyIsTheSkeletonOfTheCaseFoldOfTheNfkcForm()
    {
        // NFKC turns fullwidth 'Ａ' into 'A'; the fold turns 'A' into 'a' and 'ß' into "ss"; the skeleton turns Cyrillic
        // 'с' into 'c' and 'm' into "rn". Each step feeds the next, in that order.
        Assert.Equal("arnssc", NicknameRules.Key("Ａmß\u0441"));
    }
}
