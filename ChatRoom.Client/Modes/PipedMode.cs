using System.Globalization;
using System.Text;
using ChatRoom.Client.Connection;
using ChatRoom.Client.Telemetry;
using ChatRoom.Protocol.Commands;
using ChatRoom.Protocol.Events;

namespace ChatRoom.Client.Modes;

/// <summary>
/// Standard input is not a terminal: send each input line, print what arrives as the plain lines of the protocol,
/// and after the end of input exit once everything sent has come back (a <c>/ping</c> answered proves it).
/// Errors go to standard error. Exit code 0, or 1 when the client could not join or lost the server.
/// </summary>
public sealed class PipedMode(ClientSettings settings, ServerAddress server, ClientMetrics metrics)
{
    private static readonly TimeSpan QuitTimeout = TimeSpan.FromSeconds(5);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var input = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        ClientSession session;
        try
        {
            session = await ClientSession.JoinAsync(server, (refusal, ct) => NicknameAsync(input, refusal, ct), metrics, cancellationToken);
        }
        catch (Exception e) when (ClientSession.DescribeJoinFailure(server, e) is { } failure)
        {
            await Console.Error.WriteLineAsync(failure);
            return 1;
        }

        await using (session)
        {
            await Console.Out.WriteLineAsync(PlainText.Welcome);
            var token = Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture);
            var printing = PrintUntilPongAsync(session, token, cancellationToken);
            var sending = SendInputAsync(session, input, token, cancellationToken);
            if (await Task.WhenAny(printing, sending) == sending || await printing)
            {
                var quitSent = await sending;
                if (await printing)
                {
                    await QuitAsync(session);
                    return 0;
                }

                if (quitSent)
                {
                    return 0;
                }
            }

            // Closed while input may still be coming (stdin can stay open for ever): stop reading it, and say so.
            if (cancellationToken.IsCancellationRequested || sending is { IsCompletedSuccessfully: true, Result: true })
            {
                return 0;
            }

            await Console.Error.WriteLineAsync($"the connection to {server} was closed before all input had been delivered");
            return 1;
        }
    }

    private async ValueTask<string> NicknameAsync(StreamReader input, ChatEvent? refusal, CancellationToken cancellationToken)
    {
        if (refusal is not null)
        {
            throw new ChatRefusedException(refusal); // no person to ask again
        }

        return settings.Nick
            ?? await input.ReadLineAsync(cancellationToken)
            ?? throw new EndOfStreamException("the input ended before a nickname was given");
    }

    /// <returns>Whether a /quit was among the lines sent.</returns>
    private static async Task<bool> SendInputAsync(ClientSession session, StreamReader input, string token, CancellationToken cancellationToken)
    {
        try
        {
            while (await input.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                await session.SendAsync(line, cancellationToken);
                if (ChatLine.Parse(line).Command == CommandName.Quit)
                {
                    return true;
                }
            }

            // The server answers /ping after everything it owed this client, so PONG means all copies are in.
            await session.SendAsync($"/ping {token}", cancellationToken);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The connection broke (the printing side sees it close and says so), or the client is stopping.
        }

        return false;
    }

    /// <returns>True when the PONG for <paramref name="token"/> arrived, false when the connection closed first.</returns>
    private static async Task<bool> PrintUntilPongAsync(ClientSession session, string token, CancellationToken cancellationToken)
    {
        var pong = $"PONG {token}";
        try
        {
            while (await session.ReceiveAsync(cancellationToken) is { } chatEvent)
            {
                switch (chatEvent)
                {
                    case { Kind: ChatEventKind.System, Code: "pong" } when chatEvent.Text == pong:
                        return true;
                    case { Kind: ChatEventKind.Error }:
                        await Console.Error.WriteLineAsync(PlainText.Render(chatEvent, session.Nick));
                        break;
                    default:
                        await Console.Out.WriteLineAsync(PlainText.Render(chatEvent, session.Nick));
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // Closed under us, or stopped: either way nothing more will come.
        }

        return false;
    }

    /// <summary>Leaves with /quit and waits (bounded) for the server to close, so the others see a clean leave.</summary>
    private static async Task QuitAsync(ClientSession session)
    {
        await session.QuitAsync(QuitTimeout);
        using var timeout = new CancellationTokenSource(QuitTimeout);
        try
        {
            while (await session.ReceiveAsync(timeout.Token) is not null)
            {
                // Nothing is owed after the PONG; drain until the close.
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // Closing anyway.
        }
    }
}
