using ChatRoom.Backplane.Tests.Harness;

namespace ChatRoom.Backplane.Tests;

/// <summary>Nicknames, /who and /nick across servers: the same rules as one server, for the whole room.</summary>
[Collection(BackplaneCollectionDefinition.Name)]
public sealed class PresenceTests(RedisInstallation redis)
{
    [SkippableFact]
    public async Task NicknameHeldOnOneServerIsTakenOnTheOthersWithTheSameFoldingAndLookAlikeRules()
    {
        await using var room = await SharedRoom.StartAsync(redis, servers: 2);
        await room.Servers[0].JoinAsync("alice");
        var other = await room.Servers[1].ConnectToNickPromptAsync();

        foreach (var lookAlike in new[] { "alice", "ALICE", "Ａｌｉｃｅ", "аlice" })
        {
            await other.SendLineAsync(lookAlike);
            await other.ExpectLinesAsync($"ERR nickname '{lookAlike}' is already in use", "NICK");
        }

        await other.SendLineAsync("alice2");
        await other.ExpectLinesAsync("Connected to the server!", "alice2 joined the chat!");
    }

    [SkippableFact]
    public async Task WhoListsEveryServersUsersInTheOrderTheyJoined()
    {
        await using var room = await SharedRoom.StartAsync(redis, servers: 3);
        var alice = await room.Servers[0].JoinAsync("alice");
        await room.Servers[1].JoinAsync("bob");
        await room.Servers[2].JoinAsync("carol");
        var dave = await room.Servers[1].JoinAsync("dave");
        await alice.ReadUntilAsync("dave joined the chat!");

        await dave.SendLineAsync("/who");
        await dave.ExpectLineAsync("Users here (4): alice, bob, carol, dave");
        await alice.SendLineAsync("/who");
        await alice.ExpectLineAsync("Users here (4): alice, bob, carol, dave");
    }

    [SkippableFact]
    public async Task RenameIsSeenOnEveryServerAndCannotTakeANameHeldOnAnother()
    {
        await using var room = await SharedRoom.StartAsync(redis, servers: 2);
        var alice = await room.Servers[0].JoinAsync("alice");
        var bob = await room.Servers[1].JoinAsync("bob");
        await alice.ReadUntilAsync("bob joined the chat!");

        await alice.SendLineAsync("/nick Bob");
        await alice.ExpectLineAsync("ERR nickname 'Bob' is already in use");

        await alice.SendLineAsync("/nick alicia");
        await alice.ExpectLineAsync("alice is now known as alicia");
        await bob.ExpectLineAsync("alice is now known as alicia");

        // The new name is hers everywhere at once: her next line carries it, and the old one is free.
        await alice.SendLineAsync("hi");
        await bob.ExpectLineAsync("alicia: hi");
        await bob.SendLineAsync("/who");
        await bob.ExpectLineAsync("Users here (2): alicia, bob");
        var newcomer = await room.Servers[1].ConnectToNickPromptAsync();
        await newcomer.SendLineAsync("alice");
        await newcomer.ExpectLinesAsync("Connected to the server!", "[history] alicia: hi", "alice joined the chat!");
    }

    [SkippableFact]
    public async Task NicknameOfSomeoneWhoLeftIsFreeOnEveryServer()
    {
        await using var room = await SharedRoom.StartAsync(redis, servers: 2);
        var alice = await room.Servers[0].JoinAsync("alice");
        var bob = await room.Servers[1].JoinAsync("bob");
        await alice.ReadUntilAsync("bob joined the chat!");

        await alice.SendLineAsync("/quit");
        await bob.ExpectLineAsync("alice left the chat!");

        var again = await room.Servers[1].JoinAsync("alice");
        await bob.ExpectLineAsync("alice joined the chat!");
        await again.SendLineAsync("/who");
        await again.ExpectLineAsync("Users here (2): bob, alice");
    }
}
