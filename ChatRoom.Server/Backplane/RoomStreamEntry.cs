using System.Text.Json;
using ChatRoom.Protocol.Events;
using StackExchange.Redis;

namespace ChatRoom.Server.Backplane;

/// <summary>
/// One entry of the room's stream as this server reads it (fields: <see cref="RoomScripts"/>): the event with its id,
/// the members of this server it concerns, and the trace context of the span that appended it.
/// </summary>
public readonly record struct RoomStreamEntry(string StreamId, ChatEvent Event, long Origin, long Recipient, string? Traceparent)
{
    /// <summary>Reads an entry's fields; <paramref name="serverId"/> tells which member tokens are this server's.</summary>
    public static RoomStreamEntry Parse(string streamId, ReadOnlySpan<RedisResult> fields, string serverId)
    {
        long id = 0;
        byte[]? json = null;
        string? server = null, to = null, recipientServer = null, traceparent = null;
        long token = 0, recipientToken = 0;
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            var value = fields[i + 1];
            switch ((string?)fields[i])
            {
                case "id": id = (long)value; break;
                case "e": json = (byte[]?)value; break;
                case "srv": server = (string?)value; break;
                case "tok": token = (long)value; break;
                case "to": to = (string?)value; break;
                case "rsrv": recipientServer = (string?)value; break;
                case "rtok": recipientToken = (long)value; break;
                case "tp": traceparent = (string?)value is { Length: > 0 } tp ? tp : null; break;
            }
        }

        var roomEvent = json is null ? null : JsonSerializer.Deserialize(json, ChatJsonContext.Default.ChatEvent);
        if (roomEvent is null || id == 0)
        {
            throw new InvalidDataException($"stream entry {streamId} has no event or no id");
        }

        return new RoomStreamEntry(
            streamId,
            roomEvent with { Id = id, To = to ?? roomEvent.To },
            server == serverId ? token : 0,
            recipientServer == serverId ? recipientToken : 0,
            traceparent);
    }

    /// <summary>The same, for an entry read with XRANGE/XREVRANGE.</summary>
    public static RoomStreamEntry Parse(StreamEntry entry, string serverId)
    {
        var fields = new RedisResult[entry.Values.Length * 2];
        for (var i = 0; i < entry.Values.Length; i++)
        {
            fields[2 * i] = RedisResult.Create(entry.Values[i].Name);
            fields[(2 * i) + 1] = RedisResult.Create(entry.Values[i].Value);
        }

        return Parse(entry.Id!, fields, serverId);
    }
}
