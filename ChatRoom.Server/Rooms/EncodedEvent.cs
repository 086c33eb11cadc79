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

    private readonly EncodedEvent? _original;
    private byte[]? _plain;
    private byte[]? _json;

    private EncodedEvent(EncodedEvent original)
        : this(original.Event, 0, original.Viewer) => _original = original;

    public ChatEvent Event => chatEvent;

    /// <summary>When the line that caused it was read (<see cref="Stopwatch"/> timestamp), or 0.</summary>
    public long ReceivedTimestamp => receivedTimestamp;

    /// <summary>When it was made (<see cref="Stopwatch"/> timestamp): the line's receive time when it has one.</summary>
    public long CreatedTimestamp { get; } = receivedTimestamp != 0 ? receivedTimestamp : Stopwatch.GetTimestamp();

    public ReadOnlyMemory<byte> Plain => PlainBytes;

    public ReadOnlyMemory<byte> Json => JsonBytes;

    public ReadOnlyMemory<byte> For(bool structured) => structured ? Json : Plain;

    private string? Viewer => viewer;

    private byte[] PlainBytes => _plain ??= _original?.PlainBytes ?? EncodePlain(chatEvent, viewer);

    private byte[] JsonBytes => _json ??= _original?.JsonBytes ?? EncodeJson(chatEvent);

    /// <summary>
    /// The same event, made now: sent again later (history, to a newcomer), it shares this one's encodings, but its age
    /// in the recipient's queue starts now (the delivery policy judges a client by the age of what it is owed).
    /// </summary>
    public EncodedEvent SentAgain() => new(this);

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
