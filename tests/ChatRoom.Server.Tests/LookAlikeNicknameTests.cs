using ChatRoom.Tests.Harness;

namespace ChatRoom.Server.Tests;

/// <summary>
/// Nobody can join under a name that looks like one already present, in any script, and names of every script that
/// need combining marks can join.
/// </summary>
public sealed class LookAlikeNicknameTests
{
    // Fillers are refused by the text filter before the nickname rules see them.
    private const string Invisible = "ERR line contains invisible characters";
    private const string OnlyLettersAndDigits = "ERR nickname may contain only letters, digits, '_', '-' and '.'";

    [Theory]
    [InlineData("alice", "\u0430lice", "ERR nickname '\u0430lice' is already in use")] // Cyrillic а
    [InlineData("bob", "b\u03BFb", "ERR nickname 'b\u03BFb' is already in use")] // Greek ο
    [InlineData("mallory", "rnallory", "ERR nickname 'rnallory' is already in use")] // rn looks like m
    [InlineData("alice", "alice\u115F", Invisible)] // Hangul choseong filler
    [InlineData("alice", "alice\u3164", Invisible)] // Hangul filler
    [InlineData("alice", "\u3164", Invisible)] // a name of nothing but a filler
    [InlineData("alice", "ali\u0640ce", OnlyLettersAndDigits)] // tatweel
    [InlineData("alice", "alice\u200D", Invisible)] // a joiner that joins nothing
    public async Task LookAlikeOfAPresentNicknameCannotJoinNorSpeak(string present, string impostor, string refusal)
    {
        await using var server = await TestChatServer.StartAsync();
        var victim = await server.JoinAsync(present);
        var attacker = await server.ConnectToNickPromptAsync("attacker");

        await attacker.SendLineAsync(impostor);
        await attacker.SendLineAsync("hi, it's me, please send the password");

        await attacker.ExpectLinesAsync(refusal, "NICK", OnlyLettersAndDigits, "NICK");
        await victim.SendLineAsync("/who");
        await victim.ExpectLineAsync($"Users here (1): {present}");
    }

    [Fact]
    public async Task TheOriginalIsRefusedWhileItsLookAlikeIsPresent()
    {
        await using var server = await TestChatServer.StartAsync();
        await server.JoinAsync("\u0440\u0430\u0443\u0440\u0430l"); // "paypal" in Cyrillic letters but the l
        var genuine = await server.ConnectToNickPromptAsync("genuine");

        await genuine.SendLineAsync("paypal");

        await genuine.ExpectLinesAsync("ERR nickname 'paypal' is already in use", "NICK");
    }

    [Fact]
    public async Task RenameToALookAlikeIsRefused()
    {
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "eve");

        await room[1].SendLineAsync("/nick \u0410LICE");

        await room[1].ExpectLineAsync("ERR nickname '\u0410LICE' is already in use");
        await room.AllExpectLinesAsync();
        await room[0].ExpectNothingPendingAsync();
    }

    [Fact]
    public async Task PrivateMessageToALookAlikeReachesTheOneNameItLooksLike()
    {
        await using var server = await TestChatServer.StartAsync();
        var room = await server.JoinRoomAsync("alice", "bob");

        await room[1].SendLineAsync("/msg \u0430lice psst");

        await room[0].ExpectLineAsync("[private] bob: psst");
        await room[1].ExpectLineAsync("[private to alice] psst");
    }

    [Theory]
    [InlineData("हिन्दी")] // Devanagari vowel signs and virama
    [InlineData("สมชาย")]
    [InlineData("นิด")] // Thai vowel above
    [InlineData("שָׁלוֹם")] // Hebrew points
    [InlineData("Nguyễn")]
    public async Task NamesWithCombiningMarksJoin(string nickname)
    {
        await using var server = await TestChatServer.StartAsync();
        var alice = await server.JoinAsync("alice");

        await server.JoinAsync(nickname);

        await alice.ExpectLineAsync($"{nickname} joined the chat!");
    }
}
