using System.Diagnostics;
using ChatRoom.LoadGen.Load;

namespace ChatRoom.LoadGen.Targets;

/// <summary>A server under test: how to start it, how a client joins, and who receives a message.</summary>
public interface ITarget
{
    /// <summary>Lower-case name used in the table, the JSON and on the command line.</summary>
    string Name { get; }

    /// <summary>Whether the sender gets its own message back (ChatRoom does, ncat --chat does not).</summary>
    bool EchoesToSender { get; }

    /// <summary>
    /// Connections to open and join at once. A server-first protocol cannot survive an overflowing accept queue:
    /// the kernel may drop the last ACK of a handshake the client believes complete, and a client waiting for the
    /// server to speak first never sends anything that would reveal it. So: well below the listen backlog.
    /// </summary>
    int ParallelJoins { get; }

    /// <summary>The process that serves the chat on 127.0.0.1:<paramref name="port"/> for up to <paramref name="maxConnections"/> clients.</summary>
    ProcessStartInfo CreateStartInfo(int port, int maxConnections);

    /// <summary>Removes what <see cref="CreateStartInfo"/> wrote for the server on <paramref name="port"/>, once it has exited.</summary>
    void CleanUp(int port)
    {
    }

    /// <summary>Completes when the server has admitted <paramref name="connection"/> to the chat.</summary>
    Task JoinAsync(LoadConnection connection, CancellationToken cancellationToken);

    /// <summary>What a client writes before a message body: nothing for ChatRoom and ncat, a command for IRC.</summary>
    ReadOnlyMemory<byte> MessagePrefix => ReadOnlyMemory<byte>.Empty;

    /// <summary>Deliveries owed for one message in a chat of <paramref name="clients"/>.</summary>
    int RecipientsPerMessage(int clients) => EchoesToSender ? clients : clients - 1;

    bool DeliversTo(int sender, int receiver) => EchoesToSender || sender != receiver;
}
