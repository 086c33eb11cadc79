using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ChatRoom.Protocol.Framing;

namespace ChatRoom.LoadGen.Load;

/// <summary>
/// One client connection of the swarm. It reads through a <see cref="PipeReader"/> with zero-byte reads, so an idle
/// connection holds no buffer (10,000 of them must not weigh on the machine the server shares), and it frames
/// lines with the protocol's own <see cref="LineFramer"/>. One reader at a time: the join, then the receive loop.
/// </summary>
public sealed class LoadConnection : IAsyncDisposable
{
    // ncat's "<announce> already connected: ..." line lists every client: long, yet bounded.
    private const int MaxLineBytes = 1 << 20;

    // Lines here are a few dozen bytes; a rare longer one that straddles two segments is copied to the pool.
    private const int StackLineBytes = 256;

    // 4 KiB reads: with thousands of connections the shared pool runs out of larger arrays, and allocating fresh read
    // buffers takes the generator's CPU from the machine it shares with the server (bench/HISTORY.md, 2026-12-02).
    private static readonly StreamPipeReaderOptions ReaderOptions =
        new(bufferSize: 4 * 1024, minimumReadSize: 1024, leaveOpen: true, useZeroByteReads: true);

    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private LineFramer _framer = new(MaxLineBytes);

    private LoadConnection(int index, Socket socket)
    {
        Index = index;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(_stream, ReaderOptions);
    }

    /// <summary>This connection's number in the swarm: senders are the first ones, the observer the last.</summary>
    public int Index { get; }

    public static async Task<LoadConnection> ConnectAsync(int index, IPEndPoint server, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
            return new LoadConnection(index, socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The next line as text, or null when the server closed the connection. For joining only: it allocates.</summary>
    public async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        string? text = null;
        await PumpAsync((line, _) =>
        {
            text = Encoding.UTF8.GetString(line);
            return false;
        }, cancellationToken).ConfigureAwait(false);
        return text;
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        _stream.WriteAsync(bytes, cancellationToken);

    /// <summary>
    /// Hands every line that arrives to <paramref name="ledger"/> until the server closes the connection or it is
    /// disposed. All lines of one read share one arrival time: they arrived together.
    /// </summary>
    public async Task ReceiveAsync(DeliveryLedger ledger)
    {
        try
        {
            await PumpAsync((line, arrival) =>
            {
                ledger.OnLine(this, line, arrival);
                return true;
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // Reset by the server, or disposed by us: either way this connection receives nothing more.
        }
        finally
        {
            await _input.CompleteAsync().ConfigureAwait(false);
        }

        ledger.ConnectionClosed();
    }

    /// <summary>Closes the socket with SO_LINGER 0: the kernel sends RST instead of FIN, as when a client crashes.</summary>
    public void Reset()
    {
        try
        {
            _stream.Socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed: nothing left to reset.
        }

        _stream.Dispose();
    }

    /// <summary>Closes the socket; a receive loop under way ends by itself.</summary>
    public ValueTask DisposeAsync() => _stream.DisposeAsync();

    /// <summary>Reads and frames lines, handing each to <paramref name="onLine"/> until it returns false or the input ends.</summary>
    private async Task PumpAsync(LineHandler onLine, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var more = Dispatch(ref buffer, onLine);
            // Stopped early: what is left has not been looked at, so the next read returns it at once.
            _input.AdvanceTo(buffer.Start, more ? buffer.End : buffer.Start);
            if (!more || result.IsCompleted)
            {
                return;
            }
        }
    }

    private bool Dispatch(ref ReadOnlySequence<byte> buffer, LineHandler onLine)
    {
        var arrival = Stopwatch.GetTimestamp();
        Span<byte> scratch = stackalloc byte[StackLineBytes];
        FrameStatus status;
        while ((status = _framer.TryRead(ref buffer, out var line)) != FrameStatus.NeedMoreData)
        {
            if (status == FrameStatus.Line && !Hand(line, scratch, onLine, arrival))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Hands one line over as one span: most lie in one segment; one that straddles two is copied first.</summary>
    private static bool Hand(in ReadOnlySequence<byte> line, Span<byte> scratch, LineHandler onLine, long arrival)
    {
        if (line.IsSingleSegment)
        {
            return onLine(line.FirstSpan, arrival);
        }

        if (line.Length <= scratch.Length)
        {
            line.CopyTo(scratch);
            return onLine(scratch[..(int)line.Length], arrival);
        }

        var rented = ArrayPool<byte>.Shared.Rent((int)line.Length);
        try
        {
            line.CopyTo(rented);
            return onLine(rented.AsSpan(0, (int)line.Length), arrival);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Takes one line (valid only during the call) and says whether to keep reading.</summary>
    private delegate bool LineHandler(ReadOnlySpan<byte> line, long arrival);
}
