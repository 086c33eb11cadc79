using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace ChatRoom.Protocol.Events;

/// <summary>
/// The escaping every peer writes structured lines with: only what JSON requires (<c>"</c>, <c>\</c>, C0 controls),
/// the other controls (DEL, C1: U+0085 ends a line for some readers) and U+2028/U+2029 (line terminators to
/// JavaScript) are escaped; every other character is written as UTF-8, so a
/// structured line costs what its text costs, whatever the script or markup. Hand-written because every built-in
/// encoder escapes more: the default one writes <c>&lt;</c> as <c>\u003C</c> and any non-ASCII character as
/// <c>\uXXXX</c>, and even <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/> writes a supplementary-plane
/// character (4 bytes of UTF-8) as two escapes (12 bytes).
/// </summary>
public sealed class ChatJsonEncoder : JavaScriptEncoder
{
    // What to escape; the surrogates are looked at only to make sure they come in pairs.
    private static readonly SearchValues<char> CharsToLookAt = SearchValues.Create(
        Range(0x00, 0x1F) + "\"\\" + Range(0x7F, 0x9F) + "\u2028\u2029" + Range(0xD800, 0xDFFF));

    // The same in UTF-8. C2 leads the C1 controls (C2 80..C2 9F) and E2 leads U+2028/U+2029 (E2 80 A8, E2 80 A9),
    // each among many others, so they are only suspects.
    private static readonly SearchValues<byte> BytesToLookAt = SearchValues.Create(
        [.. Range(0x00, 0x1F).Select(c => (byte)c), (byte)'"', (byte)'\\', 0x7F, 0xC2, 0xE2]);

    private ChatJsonEncoder()
    {
    }

    public static ChatJsonEncoder Instance { get; } = new();

    /// <summary>Options for a <see cref="Utf8JsonWriter"/> that writes one structured line.</summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = Instance };

    public override int MaxOutputCharactersPerInputCharacter => 6; // \uXXXX

    public override bool WillEncode(int unicodeScalar) =>
        unicodeScalar is < 0x20 or '"' or '\\' or (>= 0x7F and <= 0x9F) or 0x2028 or 0x2029;

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        var chars = new ReadOnlySpan<char>(text, textLength);
        var offset = 0;
        while (true)
        {
            var found = chars[offset..].IndexOfAny(CharsToLookAt);
            if (found < 0)
            {
                return -1;
            }

            var index = offset + found;
            var c = chars[index];
            if (!char.IsHighSurrogate(c) || index + 1 == chars.Length || !char.IsLowSurrogate(chars[index + 1]))
            {
                // To escape, or a lone surrogate, which the base encoder replaces.
                return index;
            }

            offset = index + 2;
        }
    }

    public override int FindFirstCharacterToEncodeUtf8(ReadOnlySpan<byte> utf8Text)
    {
        var offset = 0;
        while (true)
        {
            var found = utf8Text[offset..].IndexOfAny(BytesToLookAt);
            if (found < 0)
            {
                // Ill-formed UTF-8 must reach the base encoder, which replaces it.
                return Utf8.IsValid(utf8Text[offset..]) ? -1 : offset + FirstInvalidByte(utf8Text[offset..]);
            }

            var index = offset + found;
            if (!Utf8.IsValid(utf8Text[offset..index]))
            {
                return offset + FirstInvalidByte(utf8Text[offset..index]);
            }

            var suspect = utf8Text[index..];
            if (suspect[0] is not (0xC2 or 0xE2) || suspect is [0xC2, >= 0x80 and <= 0x9F, ..] or [0xE2, 0x80, 0xA8 or 0xA9, ..])
            {
                return index;
            }

            if (Rune.DecodeFromUtf8(suspect, out _, out var length) != OperationStatus.Done)
            {
                return index;
            }

            offset = index + length;
        }
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var destination = new Span<char>(buffer, bufferLength);
        var escape = unicodeScalar switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\b' => "\\b",
            '\f' => "\\f",
            _ when WillEncode(unicodeScalar) => null,
            _ => string.Empty,
        };

        if (escape is { Length: > 0 })
        {
            return Write(escape, destination, out numberOfCharactersWritten);
        }

        if (escape is null)
        {
            // The other controls and U+2028/U+2029: \uXXXX.
            return destination.TryWrite(CultureInfo.InvariantCulture, $"\\u{unicodeScalar:X4}", out numberOfCharactersWritten);
        }

        // Not one to escape: the character itself.
        return new Rune(unicodeScalar).TryEncodeToUtf16(destination, out numberOfCharactersWritten);
    }

    private static bool Write(string text, Span<char> destination, out int written)
    {
        written = text.Length;
        if (text.TryCopyTo(destination))
        {
            return true;
        }

        written = 0;
        return false;
    }

    private static int FirstInvalidByte(ReadOnlySpan<byte> utf8)
    {
        var index = 0;
        while (index < utf8.Length && Rune.DecodeFromUtf8(utf8[index..], out _, out var consumed) == OperationStatus.Done)
        {
            index += consumed;
        }

        return index;
    }

    private static string Range(int first, int last) =>
        string.Create(last - first + 1, first, static (chars, first) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = (char)(first + i);
            }
        });
}
