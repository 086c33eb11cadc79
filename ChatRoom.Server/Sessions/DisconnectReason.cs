namespace ChatRoom.Server.Sessions;

/// <summary>Why a connection ended; reported in the leave event's code, logs and metrics.</summary>
public enum DisconnectReason
{
    /// <summary>The client sent <c>/quit</c>.</summary>
    Quit,

    /// <summary>The connection closed or broke without <c>/quit</c>.</summary>
    Dropped,

    /// <summary>The client did not read fast enough and its send queue filled up.</summary>
    SlowConsumer,

    /// <summary>The client broke the protocol in a way that ends the conversation.</summary>
    ProtocolError,

    /// <summary>The server had no room for another client.</summary>
    ServerFull,

    /// <summary>The client's address already had as many connections as allowed.</summary>
    AddressLimit,

    /// <summary>No accepted nickname within the handshake timeout.</summary>
    HandshakeTimeout,

    /// <summary>The server is shutting down.</summary>
    Shutdown,

    /// <summary>The client kept sending faster than the flood limit allows.</summary>
    Flood,

    /// <summary>A write to the client stayed unfinished longer than the write timeout.</summary>
    WriteTimeout,
}
