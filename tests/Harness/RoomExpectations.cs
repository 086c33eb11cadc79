namespace ChatRoom.Tests.Harness;

public static class RoomExpectations
{
    /// <summary>Every one of <paramref name="clients"/> must receive <paramref name="lines"/> next, in this order.</summary>
    public static async Task AllExpectLinesAsync(this IEnumerable<TestChatClient> clients, params string[] lines)
    {
        foreach (var client in clients)
        {
            await client.ExpectLinesAsync(lines);
        }
    }
}
