namespace ChatRoom.Server.Sessions;

/// <summary>The codes of <see cref="DisconnectReason"/>.</summary>
public static class DisconnectReasonNames
{
    /// <summary>The snake_case name used on the wire and as a metric attribute value.</summary>
    public static string ToCode(this DisconnectReason reason) => reason switch
    {
        DisconnectReason.Quit => "quit",
        DisconnectReason.Dropped => "dropped",
        DisconnectReason.SlowConsumer => "slow_consumer",
        DisconnectReason.ProtocolError => "protocol_error",
        DisconnectReason.ServerFull => "server_full",
        DisconnectReason.AddressLimit => "address_limit",
        DisconnectReason.HandshakeTimeout => "handshake_timeout",
        DisconnectReason.Flood => "flood",
        DisconnectReason.WriteTimeout => "write_timeout",
        _ => "shutdown",
    };
}
