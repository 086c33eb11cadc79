using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using ChatRoom.Protocol.Events;
using ChatRoom.Protocol.Framing;

namespace ChatRoom.Client.Connection;

/// <summary>
/// One TCP connection to the server, read and written through System.IO.Pipelines. It speaks the wire format
/// only: lines out, events in (JSON in structured mode, the plain lines before it). One reader and one writer
/// at a time.
/// </summary>
public sealed class ChatConnection : IAsyncDisposable
{
    // Far above what the server sends (a /who of thousands of users), yet bounded.
    private const int MaxLineBytes = 1 << 20;

    private static readonly StreamPipeReaderOptions ReaderOptions = new(leaveOpen: true);
    private static readonly StreamPipeWriterOptions WriterOptions = new(leaveOpen: true);

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private LineFramer _framer = new(MaxLineBytes);

    private ChatConnection(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
        _input = PipeReader.Create(_stream, ReaderOptions);
        _output = PipeWriter.Create(_stream, WriterOptions);
    }

    /// <summary>
    /// Connects to <paramref name="address"/>, trying each address its host name resolves to, and completes the
    /// TLS handshake when the address asks for TLS (an untrusted certificate throws <see cref="AuthenticationException"/>).
    /// </summary>
    public static async Task<ChatConnection> ConnectAsync(ServerAddress address, CancellationToken cancellationToken)
    {
        // Dual-mode: "localhost" may resolve to ::1 and 127.0.0.1, and the server may listen on either.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            await socket.ConnectAsync(address.Host, address.Port, cancellationToken).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: false);
            if (address.Tls is { } tls)
            {
                var secure = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = secure;
                await secure.AuthenticateAsClientAsync(tls.ClientOptions(address.Host), cancellationToken).ConfigureAwait(false);
            }

            return new ChatConnection(socket, stream);
        }
        catch
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }

            socket.Dispose();
            throw;
        }
    }

    /// <summary>The next event from the server, or null when it closed the connection.</summary>
    public async ValueTask<ChatEvent?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var chatEvent = NextEvent(ref buffer);
            if (chatEvent is not null)
            {
                // Only consumed: more complete lines may already wait in the buffer.
                _input.AdvanceTo(buffer.Start);
                return chatEvent;
            }

            _input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                return null;
            }
        }
    }

    /// <summary>Sends one line as it is (a command, a nickname, or text in plain mode).</summary>
    public async ValueTask SendLineAsync(string line, CancellationToken cancellationToken)
    {
        var length = Encoding.UTF8.GetByteCount(line);
        var span = _output.GetSpan(length + 1);
        Encoding.UTF8.GetBytes(line, span);
        span[length] = (byte)'\n';
        _output.Advance(length + 1);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a structured envelope: the text of a line and the trace context it travels with.</summary>
    public async ValueTask SendAsync(ClientEnvelope envelope, CancellationToken cancellationToken)
    {
        using (var json = new Utf8JsonWriter(_output, ChatJsonEncoder.WriterOptions))
        {
            JsonSerializer.Serialize(json, envelope, ChatJsonContext.Default.ClientEnvelope);
        }

        _output.GetSpan(1)[0] = (byte)'\n';
        _output.Advance(1);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _input.CompleteAsync().ConfigureAwait(false);
        await _output.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var result = await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (result.IsCompleted)
        {
            throw new ConnectionLostException("the server closed the connection");
        }
    }

    private ChatEvent? NextEvent(ref ReadOnlySequence<byte> buffer)
    {
        while (true)
        {
            switch (_framer.TryRead(ref buffer, out var line))
            {
                case FrameStatus.Line when !line.IsEmpty:
                    return Parse(line);
                case FrameStatus.NeedMoreData:
                    return null;
                default:
                    continue; // an empty line, or an over-long one being skipped
            }
        }
    }

    /// <summary>A JSON object in structured mode; before it, the plain lines a connection starts with.</summary>
    private static ChatEvent Parse(in ReadOnlySequence<byte> line)
    {
        if (line.FirstSpan[0] == (byte)'{')
        {
            try
            {
                var reader = new Utf8JsonReader(line);
                if (JsonSerializer.Deserialize(ref reader, ChatJsonContext.Default.ChatEvent) is { } structured)
                {
                    return structured;
                }
            }
            catch (JsonException)
            {
                // Not ours to judge: show it as the text it is.
            }
        }

        var text = Encoding.UTF8.GetString(line);
        return text switch
        {
            PlainText.NickPrompt => new ChatEvent { Kind = ChatEventKind.Nick, Text = text },
            _ when text.StartsWith(PlainText.ErrorPrefix, StringComparison.Ordinal) =>
                new ChatEvent { Kind = ChatEventKind.Error, Text = text[PlainText.ErrorPrefix.Length..] },
            _ => new ChatEvent { Kind = ChatEventKind.System, Text = text },
        };
    }
}
