using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;
using ChatRoom.Protocol.Events;

namespace ChatRoom.Protocol.Text;

/// <summary>
/// Checks a received line before anyone else sees it. It must be UTF-8, and it must not carry characters that act on
/// a terminal (C0/C1 controls, escape sequences), reorder what is displayed around it (bidirectional embeddings,
/// overrides and isolates), break it where the framing does not (U+2028, U+2029), hide text (zero-width space and
/// word joiner, BOM, Hangul fillers, tag characters), or pile marks over its neighbours (Zalgo text). Tab is
/// allowed, and so is what real text needs: a zero-width (non-)joiner between two visible characters (emoji
/// sequences, Persian, Indic scripts) and the tag characters of a subdivision flag such as Scotland's. An ASCII line
/// costs two vectorised scans; only lines with other characters are read character by character.
/// </summary>
public static class LineText
{
    /// <summary>
    /// The most combining marks one character may carry in a row: pointed Hebrew with cantillation and Tibetan stacks
    /// need up to five; Zalgo text uses dozens.
    /// </summary>
    public const int MaxCombiningMarksInARow = 6;

    // C0 controls except TAB, and DEL. LF never reaches here: the framer splits on it.
    private static readonly SearchValues<byte> AsciiControls = SearchValues.Create(
        [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F,
         0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F, 0x7F]);

    public static TextProblem Check(ReadOnlySpan<byte> utf8)
    {
        if (utf8.ContainsAny(AsciiControls))
        {
            return TextProblem.ControlCharacter;
        }

        var firstNonAscii = utf8.IndexOfAnyInRange((byte)0x80, (byte)0xFF);
        if (firstNonAscii < 0)
        {
            return TextProblem.None;
        }

        if (!Utf8.IsValid(utf8))
        {
            return TextProblem.InvalidUtf8;
        }

        // From the character before the first non-ASCII one: it decides whether a joiner right after it joins.
        var rest = utf8[Math.Max(0, firstNonAscii - 1)..];
        var scan = new Scan();
        while (!rest.IsEmpty)
        {
            Rune.DecodeFromUtf8(rest, out var rune, out var length);
            if (!scan.Add(rune))
            {
                return TextProblem.ControlCharacter;
            }

            rest = rest[length..];
        }

        return scan.End();
    }

    /// <summary>The same rules applied to text that is already a string (nicknames, JSON input).</summary>
    public static TextProblem Check(string text)
    {
        var scan = new Scan();
        foreach (var rune in text.EnumerateRunes())
        {
            if (!scan.Add(rune))
            {
                return TextProblem.ControlCharacter;
            }
        }

        return scan.End();
    }

    public static string Describe(TextProblem problem) => problem switch
    {
        TextProblem.InvalidUtf8 => "line is not valid UTF-8",
        TextProblem.ControlCharacter => "line contains control characters",
        TextProblem.DirectionOverride => "line contains bidirectional override characters",
        TextProblem.LineSeparator => "line contains a Unicode line or paragraph separator",
        TextProblem.InvisibleCharacter => "line contains invisible characters",
        TextProblem.CombiningMarks => $"line stacks more than {MaxCombiningMarksInARow} combining marks on one character",
        _ => "line is fine",
    };

    /// <summary>The machine-readable code of the <c>ERR</c> event (docs/protocol.md, Errors).</summary>
    public static string Code(TextProblem problem) => problem switch
    {
        TextProblem.InvalidUtf8 => ErrorCodes.InvalidUtf8,
        TextProblem.DirectionOverride => ErrorCodes.DirectionOverride,
        TextProblem.LineSeparator => ErrorCodes.LineSeparator,
        TextProblem.InvisibleCharacter => ErrorCodes.InvisibleCharacter,
        TextProblem.CombiningMarks => ErrorCodes.CombiningMarks,
        _ => ErrorCodes.ControlCharacter,
    };

    /// <summary>
    /// The rules, one character at a time, so that bytes and strings are judged alike. A control character ends the
    /// check at once (it wins over any other problem); otherwise the first problem found is the answer.
    /// </summary>
    private struct Scan()
    {
        private const int ZeroWidthNonJoiner = 0x200C;
        private const int ZeroWidthJoiner = 0x200D;
        private const int WavingBlackFlag = 0x1F3F4;
        private const int CancelTag = 0xE007F;
        private const int MaxFlagTags = 6;
        private const int NoFlag = -1;

        private TextProblem _found = TextProblem.None;
        private int _marksInARow;
        private bool _previousVisible;
        private bool _joinerPending;

        // Tag characters after a waving black flag so far (a subdivision flag), or NoFlag.
        private int _flagTags = NoFlag;

        /// <summary>False when <paramref name="rune"/> is a control character.</summary>
        public bool Add(Rune rune)
        {
            var value = rune.Value;
            if (Rune.IsControl(rune) && value != '\t')
            {
                return false;
            }

            if (value is >= 0xE0000 and <= CancelTag)
            {
                AddTag(value);
                return true;
            }

            if (_flagTags > 0)
            {
                Note(TextProblem.InvisibleCharacter); // the flag's tags never ended
            }

            _flagTags = value == WavingBlackFlag ? 0 : NoFlag;

            if (value is ZeroWidthJoiner or ZeroWidthNonJoiner)
            {
                // Joins what is on either side; transparent to the count of marks, so that it cannot split a pile.
                if (!_previousVisible || _joinerPending)
                {
                    Note(TextProblem.InvisibleCharacter);
                }

                _joinerPending = true;
                _previousVisible = false;
                return true;
            }

            _marksInARow = Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark
                or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark ? _marksInARow + 1 : 0;
            if (_marksInARow > MaxCombiningMarksInARow)
            {
                Note(TextProblem.CombiningMarks);
            }

            var problem = value switch
            {
                0x2028 or 0x2029 => TextProblem.LineSeparator,
                (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069) => TextProblem.DirectionOverride,
                // Zero-width space, word joiner, invisible operators, BOM, and the Hangul fillers (letters that show as nothing).
                0x200B or (>= 0x2060 and <= 0x2064) or 0xFEFF or 0x115F or 0x1160 or 0x3164 or 0xFFA0 => TextProblem.InvisibleCharacter,
                _ => TextProblem.None,
            };
            var visible = problem == TextProblem.None && !Rune.IsWhiteSpace(rune) && value is not (0x200E or 0x200F or 0x061C);
            if (_joinerPending && !visible)
            {
                Note(TextProblem.InvisibleCharacter);
            }

            _joinerPending = false;
            Note(problem);
            _previousVisible = visible;
            return true;
        }

        public TextProblem End()
        {
            if (_joinerPending || _flagTags > 0)
            {
                Note(TextProblem.InvisibleCharacter);
            }

            return _found;
        }

        /// <summary>Tag characters are allowed only as a flag's: lower-case letters and digits, then CANCEL TAG.</summary>
        private void AddTag(int value)
        {
            var flagLetter = value is (>= 0xE0030 and <= 0xE0039) or (>= 0xE0061 and <= 0xE007A);
            if (flagLetter && _flagTags is >= 0 and < MaxFlagTags)
            {
                _flagTags++;
                return;
            }

            if (value != CancelTag || _flagTags <= 0)
            {
                Note(TextProblem.InvisibleCharacter);
            }

            _flagTags = NoFlag;
            _previousVisible = true;
        }

        private void Note(TextProblem problem)
        {
            if (_found == TextProblem.None)
            {
                _found = problem;
            }
        }
    }
}
