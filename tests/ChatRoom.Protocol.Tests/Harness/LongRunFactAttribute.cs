namespace ChatRoom.Protocol.Tests.Harness;

/// <summary>A fact that runs only when <c>CHATROOM_FUZZ_ITERATIONS</c> asks for the longer randomized run.</summary>
public sealed class LongRunFactAttribute : FactAttribute
{
    public LongRunFactAttribute()
    {
        if (Randomized.LongIterations is null)
        {
            Skip = $"longer randomized run: set {Randomized.IterationsVariable}=<iterations> to run it";
        }
    }
}
