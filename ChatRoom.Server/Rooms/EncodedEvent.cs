using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ChatRoom.Protocol.Events;

namespace ChatRoom.Server.Rooms;

/// <summary>
/// An event and its bytes on the wire, encoded at most once per format however many clients receive it:
/// every recipient's queue holds the same array. Plain and JSON encodings are made on first use, so a room
/// without structured clients never pays for JSON.
/// </summary>
public sealed class EncodedEvent(ChatEvent chatEvent, long receivedTimestamp = 0, string? viewer = null)
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_jsonBuffer;

    private byte[]? _plain;
    private byte[]? _json;

    public ChatEvent Event => chatEvent;

    /// <summary>When the line that caused it was read (<see cref="Stopwatch"/> timestamp), or 0.</summary>
    public long ReceivedTimestamp => receivedTimestamp;

    /// <summary>When it was made (<see cref="Stopwatch"/> timestamp): the line's receive time when it has one.</summary>
    public long CreatedTimestamp { get; } = receivedTimestamp != 0 ? receivedTimestamp : Stopwatch.GetTimestamp();

    public ReadOnlyMemory<byte> Plain => _plain ??= EncodePlain(chatEvent, viewer);

    public ReadOnlyMemory<byte> Json => _json ??= EncodeJson(chatEvent);

    public ReadOnlyMemory<byte> For(bool structured) => structured ? Json : Plain;

    private static byte[] EncodePlain(ChatEvent e, string? viewer)
    {
        var text = PlainText.Render(e, viewer);
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        bytes[^1] = (byte)'\n';
        return bytes;
    }

    private static byte[] EncodeJson(ChatEvent e)
    {
        var buffer = t_jsonBuffer ??= new ArrayBufferWriter<byte>(512);
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer, ChatJsonEncoder.WriterOptions))
        {
            JsonSerializer.Serialize(writer, e, ChatJsonContext.Default.ChatEvent);
        }

        var bytes = new byte[buffer.WrittenCount + 1];
        buffer.WrittenSpan.CopyTo(bytes);
        bytes[^1] = (byte)'\n';
        return bytes;
    }
}
