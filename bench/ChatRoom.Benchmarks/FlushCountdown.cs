namespace ChatRoom.Benchmarks;

/// <summary>Bytes the benchmark still waits for members to flush; <see cref="Wait"/> returns once they all have.</summary>
public sealed class FlushCountdown : IDisposable
{
    private readonly ManualResetEventSlim _done = new();
    private long _remaining;

    public void Expect(long bytes)
    {
        _done.Reset();
        Volatile.Write(ref _remaining, bytes);
    }

    public void Flushed(long bytes)
    {
        // At or below zero: a straggler from setup must end the wait early once rather than never.
        if (Interlocked.Add(ref _remaining, -bytes) <= 0)
        {
            _done.Set();
        }
    }

    public void Wait() => _done.Wait();

    public void Dispose() => _done.Dispose();
}
