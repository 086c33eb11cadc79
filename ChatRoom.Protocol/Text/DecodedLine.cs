using ChatRoom.Protocol.Events;

namespace ChatRoom.Protocol.Text;

/// <summary>What a client said in one line: its text, checked, and the trace context it came with (if any).</summary>
public readonly record struct DecodedLine(string Text, TraceContext Trace);
