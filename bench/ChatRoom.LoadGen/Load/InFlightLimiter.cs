namespace ChatRoom.LoadGen.Load;

/// <summary>
/// Saturation's flow control: each sender may have <c>window</c> messages in flight, a message being in flight until
/// the observer (a connection that does not send) has received it. Works alike whether or not the server echoes.
/// </summary>
public sealed class InFlightLimiter(int senders, int window) : IDisposable
{
    private readonly SemaphoreSlim[] _slots = [.. Enumerable.Range(0, senders).Select(_ => new SemaphoreSlim(window, window))];

    public Task AcquireAsync(int sender, CancellationToken cancellationToken) => _slots[sender].WaitAsync(cancellationToken);

    public void Release(int sender) => _slots[sender].Release();

    public void Dispose()
    {
        foreach (var slot in _slots)
        {
            slot.Dispose();
        }
    }
}
