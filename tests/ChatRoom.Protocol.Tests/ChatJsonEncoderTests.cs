using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ChatRoom.Protocol.Events;

namespace ChatRoom.Protocol.Tests;

/// <summary>
/// The escaping of structured lines: only what JSON (and JavaScript's line terminators, and the controls) require, so
/// that a structured line costs what its plain line costs whatever the script or markup.
/// </summary>
public sealed class ChatJsonEncoderTests
{
    public static TheoryData<string> Texts => new()
    {
        new string('<', 4000),
        "<script>alert('x')</script> & <b>bold</b> + `tick`",
        string.Concat(Enumerable.Repeat("漢字かなカナ한국어", 150)),
        string.Concat(Enumerable.Repeat("𝒜𝒷𝒸 😀 𐍈", 200)),
        "ünïcödé ελληνικά русский עברית العربية हिन्दी",
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void StructuredMessageCostsAtMostATenthMoreThanItsPlainLine(string text)
    {
        var message = new ChatEvent
        {
            Kind = ChatEventKind.Message,
            Id = 123_456,
            Time = DateTimeOffset.UtcNow,
            Room = "lobby",
            From = "someone",
            Text = text,
        };

        var plain = Encoding.UTF8.GetByteCount(PlainText.Render(message)) + 1;
        var structured = Write(message).Length + 1;

        // Beyond the fields' fixed cost, every character is written as the plain line writes it.
        Assert.True(structured <= (plain * 1.1) + 100, $"structured {structured} bytes against plain {plain}");
        Assert.Equal(text, Read(Write(message)).Text);
    }

    [Theory]
    [InlineData("\"", "\\\"")]
    [InlineData("\\", "\\\\")]
    [InlineData("\t", "\\t")]
    [InlineData("\n", "\\n")]
    [InlineData("\r", "\\r")]
    [InlineData("\u001b", "\\u001B")]
    [InlineData("\u007f", "\\u007F")]
    [InlineData("\u0085", "\\u0085")]
    [InlineData("\u2028", "\\u2028")]
    [InlineData("\u2029", "\\u2029")]
    [InlineData("<>&'+`", "<>&'+`")]
    [InlineData("é漢😀", "é漢😀")]
    public void OnlyWhatJsonAndLineReadersNeedIsEscaped(string text, string written)
    {
        var json = Encoding.UTF8.GetString(Write(new ChatEvent { Kind = ChatEventKind.System, Text = text }));

        Assert.Contains($"\"text\":\"{written}\"", json, StringComparison.Ordinal);
        Assert.Equal(text, Read(Encoding.UTF8.GetBytes(json)).Text);
    }

    [Fact]
    public void UnpairedSurrogateIsReplacedRatherThanWrittenAsInvalidUtf8()
    {
        var json = Write(new ChatEvent { Kind = ChatEventKind.System, Text = "a\ud800b" });

        Assert.True(System.Text.Unicode.Utf8.IsValid(json));
        Assert.Equal("a\ufffdb", Read(json).Text);
    }

    [Fact]
    public void Utf8SearchFindsExactlyTheBytesThatNeedEscaping()
    {
        var encoder = ChatJsonEncoder.Instance;

        Assert.Equal(-1, encoder.FindFirstCharacterToEncodeUtf8("<é漢😀 © ‘quoted’"u8));
        Assert.Equal(2, encoder.FindFirstCharacterToEncodeUtf8("ab\"c"u8));
        Assert.Equal(3, encoder.FindFirstCharacterToEncodeUtf8("abc\u2028"u8));
        Assert.Equal(1, encoder.FindFirstCharacterToEncodeUtf8("a\u0085"u8));
        Assert.Equal(1, encoder.FindFirstCharacterToEncodeUtf8([(byte)'a', 0xFF, (byte)'b']));
    }

    [Fact]
    public void BuiltInEncodersWouldInflateWhatThisOneWritesAsIs()
    {
        // Why the project has its own encoder: the relaxed built-in one still escapes supplementary-plane characters.
        var text = "𝒜𝒷𝒸😀";
        var relaxed = JavaScriptEncoder.UnsafeRelaxedJsonEscaping.Encode(text);

        Assert.Contains("\\uD835", relaxed, StringComparison.Ordinal);
        Assert.Contains(text, Encoding.UTF8.GetString(Write(new ChatEvent { Kind = ChatEventKind.System, Text = text })), StringComparison.Ordinal);
    }

    private static byte[] Write(ChatEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, ChatJsonEncoder.WriterOptions))
        {
            JsonSerializer.Serialize(writer, e, ChatJsonContext.Default.ChatEvent);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static ChatEvent Read(byte[] json) =>
        JsonSerializer.Deserialize(json, ChatJsonContext.Default.ChatEvent) ?? throw new InvalidOperationException("null event");
}
