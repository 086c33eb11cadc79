using System.Buffers;
using System.Text;
using ChatRoom.Protocol.Events;
using ChatRoom.Protocol.Tests.Harness;
using ChatRoom.Protocol.Text;

namespace ChatRoom.Protocol.Tests;

/// <summary>
/// <see cref="LineDecoder"/>: from the bytes of one framed line to what the client said, or the <c>ERR</c> its sender
/// gets.
/// </summary>
public sealed class LineDecoderTests
{
    private const string Traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public void PlainLineIsItsTextWithNoTraceContext()
    {
        var decoded = Decode("héllo wörld", structured: false);

        Assert.Equal(new DecodedLine("héllo wörld", TraceContext.None), decoded);
    }

    [Fact]
    public void LineSpreadOverSegmentsDecodesAsOneWhole()
    {
        var bytes = Encoding.UTF8.GetBytes("a line whose é is cut in two by the segments");

        Assert.True(LineDecoder.TryDecode(Sequences.Chunked(bytes, 3), structured: false, out var decoded, out _));

        Assert.Equal("a line whose é is cut in two by the segments", decoded.Text);
    }

    [Fact]
    public void InvalidUtf8IsRefusedWithItsCode()
    {
        var refusal = Refuse(new ReadOnlySequence<byte>([0x68, 0xC3, 0x28]), structured: false);

        Assert.Equal(new LineRefusal("invalid_utf8", "line is not valid UTF-8"), refusal);
    }

    [Fact]
    public void TerminalEscapeIsRefusedWithItsCode()
    {
        Assert.Equal("control_character", Refuse("red \e[31m text", structured: false).Code);
    }

    [Fact]
    public void PlainClientsBraceIsJustText()
    {
        Assert.Equal("{\"text\":\"hi\"}", Decode("{\"text\":\"hi\"}", structured: false).Text);
    }

    [Fact]
    public void StructuredClientsLineWithoutABraceIsPlainText()
    {
        Assert.Equal(new DecodedLine("/who", TraceContext.None), Decode("/who", structured: true));
    }

    [Fact]
    public void EnvelopeGivesItsTextAndItsTraceContext()
    {
        var decoded = Decode($$"""{"text":"hello","traceparent":"{{Traceparent}}","tracestate":"vendor=1"}""", structured: true);

        Assert.Equal(new DecodedLine("hello", new TraceContext(Traceparent, "vendor=1")), decoded);
    }

    [Fact]
    public void EnvelopesTraceContextThatBreaksTheGrammarIsDropped()
    {
        var decoded = Decode("""{"text":"hello","traceparent":"00-\u001b[31m","tracestate":"vendor=1"}""", structured: true);

        Assert.Equal(new DecodedLine("hello", TraceContext.None), decoded);
    }

    [Theory]
    [InlineData("{not json", "bad_json", "envelope is not valid JSON")]
    [InlineData("{\"traceparent\":\"x\"}", "bad_json", "envelope is not valid JSON")]
    [InlineData("{\"text\":\"\"}", "empty_text", "envelope text must not be empty")]
    [InlineData("{\"text\":\"two\\nlines\"}", "control_character", "line contains control characters")]
    [InlineData("{\"text\":\"\\u001b[2J\"}", "control_character", "line contains control characters")]
    [InlineData("{\"text\":\"abc\\u202Edef\"}", "direction_override", "line contains bidirectional override characters")]
    public void EnvelopeIsRefusedWhenItsJsonOrItsTextIsBad(string line, string code, string message)
    {
        Assert.Equal(new LineRefusal(code, message), Refuse(line, structured: true));
    }

    private static DecodedLine Decode(string line, bool structured)
    {
        Assert.True(LineDecoder.TryDecode(Utf8(line), structured, out var decoded, out var refusal), $"refused: {refusal}");
        return decoded;
    }

    private static LineRefusal Refuse(string line, bool structured) => Refuse(Utf8(line), structured);

    private static LineRefusal Refuse(ReadOnlySequence<byte> line, bool structured)
    {
        Assert.False(LineDecoder.TryDecode(line, structured, out _, out var refusal));
        return refusal;
    }

    private static ReadOnlySequence<byte> Utf8(string text) => new(Encoding.UTF8.GetBytes(text));
}
