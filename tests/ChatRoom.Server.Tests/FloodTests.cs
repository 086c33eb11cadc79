using ChatRoom.Tests.Harness;

namespace ChatRoom.Server.Tests;

/// <summary>docs/protocol.md, flood control: the server stops reading from the flooder, so only the flooder is slowed.</summary>
public sealed class FloodTests
{
    [Fact]
    public async Task OnlyTheFlooderIsSlowedWhileAnotherClientTalks()
    {
        // Three lines at once, then one every 10 s: the flooder's fourth line waits 10 s.
        await using var server = await TestChatServer.StartAsync("Flood:Burst=3", "Flood:LinesPerSecond=0.1", "Flood:MaxDelayedLines=100");
        var room = await server.JoinRoomAsync("reader", "flooder", "talker");
        var (reader, flooder, talker) = (room[0], room[1], room[2]);

        await flooder.SendRawAsync("f1\nf2\nf3\nf4\n"u8.ToArray());
        await flooder.ExpectLinesAsync("flooder: f1", "flooder: f2", "flooder: f3",
            "ERR flooding: slow down to 0.1 lines per second; your lines are being delayed");

        // While the flooder's fourth line is held, the talker's lines go straight through, to everyone, unannounced.
        await talker.SendRawAsync("t1\nt2\n"u8.ToArray());
        await reader.ExpectLinesAsync("flooder: f1", "flooder: f2", "flooder: f3", "talker: t1", "talker: t2");
        await talker.ExpectLinesAsync("flooder: f1", "flooder: f2", "flooder: f3", "talker: t1", "talker: t2");
        await flooder.ExpectLinesAsync("talker: t1", "talker: t2");
        await talker.ExpectNothingPendingAsync();
    }
}
