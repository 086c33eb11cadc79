using System.Text;
using ChatRoom.Protocol.Events;

namespace ChatRoom.Protocol.Tests;

/// <summary>The answer to /who: one short line in a small room, parts of a few KiB each in a big one.</summary>
public sealed class WhoReplyTests
{
    [Fact]
    public void SmallRoomIsAnsweredInOneLine()
    {
        var reply = Assert.Single(WhoReply.Create(["alice", "bob"]));

        Assert.Equal("Users here (2): alice, bob", PlainText.Render(reply));
        Assert.Equal(["alice", "bob"], reply.Users);
        Assert.Null(reply.Part);
        Assert.Null(reply.Parts);
    }

    [Fact]
    public void BigRoomOfLongNicknamesIsAnsweredInShortPartsListingEveryoneOnceInOrder()
    {
        // 32 letters of four bytes each: the longest nicknames there are.
        var nicknames = Enumerable.Range(0, 10_000).Select(Nickname).ToArray();

        var parts = WhoReply.Create(nicknames);

        Assert.True(parts.Count > 1);
        Assert.Equal(nicknames, parts.SelectMany(part => part.Users!));
        for (var i = 0; i < parts.Count; i++)
        {
            Assert.Equal(i + 1, parts[i].Part);
            Assert.Equal(parts.Count, parts[i].Parts);
            var line = PlainText.Render(parts[i]);
            Assert.StartsWith($"Users here (10000), part {i + 1} of {parts.Count}: ", line, StringComparison.Ordinal);
            Assert.InRange(Encoding.UTF8.GetByteCount(line), 1, WhoReply.MaxPartBytes + 64);
        }
    }

    [Fact]
    public void NicknameLongerThanAPartStillGetsOne()
    {
        var parts = WhoReply.Create([new string('a', WhoReply.MaxPartBytes + 10), "b"]);

        Assert.Equal(2, parts.Count);
        Assert.Equal(["b"], parts[1].Users);
    }

    private static string Nickname(int n)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < 32; i++)
        {
            // Mathematical script capitals and small letters: U+1D49C onwards, four bytes each in UTF-8.
            builder.Append(char.ConvertFromUtf32(0x1D4D0 + ((n >> (i % 14)) + i) % 52));
        }

        return builder.ToString();
    }
}
