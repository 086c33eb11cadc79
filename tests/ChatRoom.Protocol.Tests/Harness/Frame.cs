using ChatRoom.Protocol.Framing;

namespace ChatRoom.Protocol.Tests.Harness;

/// <summary>One result of <see cref="LineFramer.TryRead"/>: a line (as Latin-1 text, see <see cref="Latin1"/>) or TooLong.</summary>
internal readonly record struct Frame(FrameStatus Status, string Text)
{
    public static Frame TooLong { get; } = new(FrameStatus.TooLong, string.Empty);

    public static Frame Line(string text) => new(FrameStatus.Line, text);

    public override string ToString() => Status == FrameStatus.Line ? $"Line \"{Text}\"" : Status.ToString();
}
