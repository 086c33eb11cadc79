using System.Buffers;
using System.Text.Unicode;

namespace ChatRoom.Protocol.Text;

/// <summary>
/// Checks a received line before anyone else sees it: it must be UTF-8, and it must not carry characters
/// that act on a terminal (C0/C1 controls, escape sequences) or reorder what is displayed around it
/// (bidirectional embeddings, overrides and isolates). Tab is allowed. Works on the raw bytes so that
/// the common case costs one vectorised scan.
/// </summary>
public static class LineText
{
    // C0 controls except TAB, and DEL. LF never reaches here: the framer splits on it.
    private static readonly SearchValues<byte> AsciiControls = SearchValues.Create(
        [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F,
         0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F, 0x7F]);

    // Lead bytes of the only multi-byte sequences that need a closer look: C1 controls (U+0080..U+009F
    // are C2 80..C2 9F) and the bidi controls U+202A..U+202E, U+2066..U+2069 (E2 80 AA.., E2 81 A6..).
    private static readonly SearchValues<byte> SuspectLeadBytes = SearchValues.Create([0xC2, 0xE2]);

    public static TextProblem Check(ReadOnlySpan<byte> utf8)
    {
        if (utf8.ContainsAny(AsciiControls))
        {
            return TextProblem.ControlCharacter;
        }

        if (!Utf8.IsValid(utf8))
        {
            return TextProblem.InvalidUtf8;
        }

        // A control character anywhere wins over a bidi control, as in Check(string): the reason must not
        // depend on whether the line came as plain bytes or inside a JSON envelope.
        var direction = false;
        var rest = utf8;
        int index;
        while ((index = rest.IndexOfAny(SuspectLeadBytes)) >= 0)
        {
            rest = rest[index..];
            if (rest[0] == 0xC2 && rest[1] is >= 0x80 and <= 0x9F)
            {
                return TextProblem.ControlCharacter;
            }

            direction |= rest[0] == 0xE2 && rest.Length >= 3 && IsBidiControl(rest[1], rest[2]);
            rest = rest[1..];
        }

        return direction ? TextProblem.DirectionOverride : TextProblem.None;
    }

    /// <summary>The same rules applied to text that is already a string (nicknames, JSON input).</summary>
    public static TextProblem Check(string text)
    {
        var direction = false;
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value == '\t')
            {
                continue;
            }

            if (System.Text.Rune.IsControl(rune))
            {
                return TextProblem.ControlCharacter;
            }

            direction |= rune.Value is (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069);
        }

        return direction ? TextProblem.DirectionOverride : TextProblem.None;
    }

    public static string Describe(TextProblem problem) => problem switch
    {
        TextProblem.InvalidUtf8 => "line is not valid UTF-8",
        TextProblem.ControlCharacter => "line contains control characters",
        TextProblem.DirectionOverride => "line contains bidirectional override characters",
        _ => "line is fine",
    };

    private static bool IsBidiControl(byte second, byte third) =>
        (second == 0x80 && third is >= 0xAA and <= 0xAE) || (second == 0x81 && third is >= 0xA6 and <= 0xA9);
}
