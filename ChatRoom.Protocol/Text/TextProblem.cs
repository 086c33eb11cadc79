namespace ChatRoom.Protocol.Text;

/// <summary>Why a line of input cannot be passed on to other clients.</summary>
public enum TextProblem
{
    None,
    InvalidUtf8,
    ControlCharacter,
    DirectionOverride,
}
