using Microsoft.AspNetCore.Connections;

namespace ChatRoom.Server.Sessions;

/// <summary>
/// One deadline for a connection's whole handshake, TLS and nickname together, started when the connection is
/// accepted (a connection feature, set by <c>AdmissionMiddleware</c>). Before the chat session takes over, its
/// expiry aborts the connection: a TLS handshake that never finishes has nobody to tell. Afterwards the session reads
/// with <see cref="Token"/> and says <c>ERR handshake timed out</c> itself.
/// </summary>
public sealed class HandshakeDeadline : IDisposable
{
    private const int BeforeSession = 0;
    private const int InSession = 1;
    private const int ExpiredBeforeSession = 2;

    private readonly ConnectionContext _connection;
    private readonly CancellationTokenSource _expiry;
    private readonly CancellationTokenRegistration _abortBeforeSession;
    private int _state;

    public HandshakeDeadline(ConnectionContext connection, TimeSpan timeout, TimeProvider clock)
    {
        _connection = connection;
        _expiry = new CancellationTokenSource(timeout, clock);
        Token = _expiry.Token;
        _abortBeforeSession = Token.UnsafeRegister(static deadline => ((HandshakeDeadline)deadline!).OnExpiry(), this);
    }

    /// <summary>Cancelled when the handshake's time is up.</summary>
    public CancellationToken Token { get; }

    public bool IsExpired => Token.IsCancellationRequested;

    /// <summary>Whether the deadline passed before a session took over (the connection was aborted for it).</summary>
    public bool ExpiredBeforeTheSession => Volatile.Read(ref _state) == ExpiredBeforeSession;

    /// <summary>Whether a session took over the connection.</summary>
    public bool SessionStarted => Volatile.Read(ref _state) == InSession;

    /// <summary>The session takes over; false when the deadline passed first and the connection is being aborted.</summary>
    public bool TryStartSession() => Interlocked.CompareExchange(ref _state, InSession, BeforeSession) == BeforeSession;

    /// <summary>Stops the timer: the client has joined, or the connection is over.</summary>
    public void Dispose()
    {
        _abortBeforeSession.Dispose();
        _expiry.Dispose();
    }

    private void OnExpiry()
    {
        if (Interlocked.CompareExchange(ref _state, ExpiredBeforeSession, BeforeSession) == BeforeSession)
        {
            _connection.Abort(new ConnectionAbortedException("handshake timed out before the chat session started"));
        }
    }
}
