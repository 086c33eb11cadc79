namespace ChatRoom.Protocol.Text;

/// <summary>Why a client's line is refused: the code of the <c>ERR</c> event its sender gets, and the text.</summary>
public readonly record struct LineRefusal(string Code, string Message)
{
    /// <summary>The refusal of a line whose text has <paramref name="problem"/>.</summary>
    public static LineRefusal For(TextProblem problem) => new(LineText.Code(problem), LineText.Describe(problem));
}
