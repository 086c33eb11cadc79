using System.Buffers;
using System.Text;
using System.Text.Json;
using ChatRoom.Protocol.Events;

namespace ChatRoom.Protocol.Text;

/// <summary>
/// Turns the bytes of one framed line into what the client said: UTF-8 text that passes <see cref="LineText"/>'s
/// checks, and, from a structured client, the contents of its JSON envelope (<see cref="ClientEnvelope"/>), whose text
/// must pass the same checks. Pure: the caller tells the client why a line is refused.
/// </summary>
public static class LineDecoder
{
    /// <summary>
    /// Decodes <paramref name="line"/> (without its line end). A <paramref name="structured"/> client's line that starts
    /// with <c>{</c> is an envelope. False when the line is refused; <paramref name="refusal"/> says why.
    /// </summary>
    public static bool TryDecode(in ReadOnlySequence<byte> line, bool structured, out DecodedLine decoded, out LineRefusal refusal)
    {
        decoded = default;
        if (!TryDecodeText(line, out var text, out refusal))
        {
            return false;
        }

        if (structured && text.StartsWith('{'))
        {
            return TryOpenEnvelope(text, out decoded, out refusal);
        }

        decoded = new DecodedLine(text, TraceContext.None);
        return true;
    }

    private static bool TryDecodeText(in ReadOnlySequence<byte> line, out string text, out LineRefusal refusal)
    {
        byte[]? rented = null;
        var bytes = line.IsSingleSegment ? line.FirstSpan : Flatten(line, out rented);
        try
        {
            var problem = LineText.Check(bytes);
            if (problem != TextProblem.None)
            {
                text = string.Empty;
                refusal = LineRefusal.For(problem);
                return false;
            }

            text = Encoding.UTF8.GetString(bytes);
            refusal = default;
            return true;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static ReadOnlySpan<byte> Flatten(in ReadOnlySequence<byte> line, out byte[] rented)
    {
        rented = ArrayPool<byte>.Shared.Rent((int)line.Length);
        line.CopyTo(rented);
        return rented.AsSpan(0, (int)line.Length);
    }

    /// <summary>Unwraps a structured client's JSON envelope; its text must pass the same checks as a plain line.</summary>
    private static bool TryOpenEnvelope(string json, out DecodedLine decoded, out LineRefusal refusal)
    {
        decoded = default;
        ClientEnvelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize(json, ChatJsonContext.Default.ClientEnvelope);
        }
        catch (JsonException)
        {
            envelope = null;
        }

        if (envelope?.Text is not { } text)
        {
            refusal = new LineRefusal(ErrorCodes.BadJson, "envelope is not valid JSON");
            return false;
        }

        if (text.Length == 0)
        {
            refusal = new LineRefusal(ErrorCodes.EmptyText, "envelope text must not be empty");
            return false;
        }

        var problem = LineText.Check(text);
        if (problem != TextProblem.None || text.Contains('\n', StringComparison.Ordinal))
        {
            refusal = LineRefusal.For(problem == TextProblem.None ? TextProblem.ControlCharacter : problem);
            return false;
        }

        decoded = new DecodedLine(text, TraceContext.FromClient(envelope.Traceparent, envelope.Tracestate));
        refusal = default;
        return true;
    }
}
