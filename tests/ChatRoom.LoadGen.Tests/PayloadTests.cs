using System.Text;
using ChatRoom.LoadGen.Load;

namespace ChatRoom.LoadGen.Tests;

/// <summary>
/// The generator finds its message bodies in lines as each server delivers them: a wrong parse would count a
/// delivery as lost, or another line as a delivery.
/// </summary>
public sealed class PayloadTests
{
    [Theory]
    [InlineData("u3: ")]                                           // ChatRoom
    [InlineData("<user7> ")]                                       // ncat --chat
    [InlineData(":u3!~u3@127.0.0.1 PRIVMSG #lobby :")]             // an IRC server: its prefix has a '~' of its own
    [InlineData("")]
    public void FindsTheBodyBehindEachServersPrefix(string prefix)
    {
        var body = new byte[64];
        Payload.WriteMessage(body, sender: 12, timestamp: 987654321);

        var kind = Payload.Parse(Encoding.ASCII.GetBytes(prefix).Concat(body[..^1]).ToArray(), out var sender, out var timestamp);

        Assert.Equal(Payload.Kind.Message, kind);
        Assert.Equal(12, sender);
        Assert.Equal(987654321, timestamp);
    }

    [Theory]
    [InlineData("u0: ~sync")]
    [InlineData("<user1> ~sync")]
    [InlineData(":u0!~u0@127.0.0.1 PRIVMSG #lobby :~sync\r")]
    public void RecognisesABarrier(string line) =>
        Assert.Equal(Payload.Kind.Barrier, Payload.Parse(Encoding.ASCII.GetBytes(line), out _, out _));

    [Theory]
    [InlineData(":u3!~u3@127.0.0.1 JOIN :#lobby\r")]               // the '~' of an IRC prefix is not a body
    [InlineData(":bench.irc 353 u3 = #lobby :u3 @u1 u2\r")]
    [InlineData("u3 joined the chat!")]
    [InlineData("<announce> 127.0.0.1 is connected as <user3>.")]
    [InlineData("u3: ~not.a.body")]
    public void LinesWithoutABodyAreNotDeliveries(string line) =>
        Assert.Equal(Payload.Kind.Other, Payload.Parse(Encoding.ASCII.GetBytes(line), out _, out _));
}
