namespace ChatRoom.Protocol.Text;

/// <summary>Why a line of input cannot be passed on to other clients.</summary>
public enum TextProblem
{
    None,
    InvalidUtf8,
    ControlCharacter,
    DirectionOverride,

    /// <summary>U+2028 or U+2029: a line break that the framing does not see.</summary>
    LineSeparator,

    /// <summary>A character that shows as nothing: zero-width, a Hangul filler, a stray joiner or tag character.</summary>
    InvisibleCharacter,

    /// <summary>More than <see cref="LineText.MaxCombiningMarksInARow"/> combining marks stacked on one character.</summary>
    CombiningMarks,
}
