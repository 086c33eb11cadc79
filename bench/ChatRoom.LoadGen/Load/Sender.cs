using System.Diagnostics;
using System.Net.Sockets;

namespace ChatRoom.LoadGen.Load;

/// <summary>
/// One sending connection: paced (a message every 1/rate seconds) or windowed (as fast as its in-flight slots
/// allow). It stops by itself when the measurement window closes; cancellation only ends its waiting.
/// </summary>
public sealed class Sender(LoadConnection connection, ReadOnlyMemory<byte> prefix, int messageBytes, DeliveryLedger ledger, MeasurementWindow window)
{
    private readonly byte[] _line = [.. prefix.Span, .. new byte[messageBytes]];

    /// <param name="rate">Messages a second.</param>
    /// <param name="phase">Delay before the first message, so that senders do not all fire together.</param>
    public Task RunPacedAsync(double rate, TimeSpan phase, CancellationToken cancellationToken) => RunAsync(async () =>
    {
        await Task.Delay(phase, cancellationToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / rate));
        while (await SendAsync().ConfigureAwait(false) && await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
        }
    }, cancellationToken);

    public Task RunWindowedAsync(InFlightLimiter limiter, CancellationToken cancellationToken) => RunAsync(async () =>
    {
        do
        {
            await limiter.AcquireAsync(connection.Index, cancellationToken).ConfigureAwait(false);
        }
        while (await SendAsync().ConfigureAwait(false));
    }, cancellationToken);

    private static async Task RunAsync(Func<Task> loop, CancellationToken cancellationToken)
    {
        try
        {
            await loop().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The window closed while this sender waited.
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // The server dropped this connection: what it owed shows as loss.
        }
    }

    /// <summary>Sends one message; false once the window has closed.</summary>
    private async ValueTask<bool> SendAsync()
    {
        var now = Stopwatch.GetTimestamp();
        if (now >= window.End)
        {
            return false;
        }

        Payload.WriteMessage(_line.AsSpan(prefix.Length), connection.Index, now);
        ledger.MessageSent(now);
        // Not cancellable: cancelling a socket write midway can leave half a line on the wire.
        await connection.SendAsync(_line, CancellationToken.None).ConfigureAwait(false);
        return true;
    }
}
