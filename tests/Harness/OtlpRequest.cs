using System.Text;

namespace ChatRoom.Tests.Harness;

/// <summary>One export as the collector received it.</summary>
public sealed record OtlpRequest(string Signal, string? ContentType, byte[] Body)
{
    public bool Contains(string text) => Body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}
