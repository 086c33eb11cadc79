using ChatRoom.Client.Connection;
using ChatRoom.Client.Telemetry;
using ChatRoom.Client.Terminal;
using ChatRoom.Protocol.Commands;
using ChatRoom.Protocol.Events;

namespace ChatRoom.Client.Modes;

/// <summary>
/// A person at a terminal: asks for a nickname unless <c>--nick</c> gave one, then shows what arrives above the
/// line being typed and sends what is typed (<c>/</c> commands pass through). Ends on <c>/quit</c>, Ctrl+D or Ctrl+C.
/// </summary>
public sealed class InteractiveMode(ClientSettings settings, ServerAddress server, ClientMetrics metrics)
{
    private static readonly TimeSpan QuitTimeout = TimeSpan.FromSeconds(2);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var editor = new LineEditor();
        editor.WriteLine(EventStyle.Notice($"Connecting to {server}..."));
        ClientSession session;
        try
        {
            session = await ClientSession.JoinAsync(server, (refusal, ct) => AskNicknameAsync(editor, refusal, ct), metrics, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception e) when (ClientSession.DescribeJoinFailure(server, e) is { } failure)
        {
            editor.Close();
            editor.WriteLine(EventStyle.Notice(failure));
            return 1;
        }

        await using (session)
        {
            editor.WriteLine(EventStyle.Format(new ChatEvent { Kind = ChatEventKind.System, Text = PlainText.Welcome }, session.Nick));
            editor.Prompt = $"{session.Nick}> ";

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var showing = ShowAsync(session, editor, stop.Token);
            var typing = TypeAsync(session, editor, stop.Token);
            if (await Task.WhenAny(showing, typing) == showing)
            {
                // The server closed the connection: after our /quit, or on its own.
                await stop.CancelAsync();
                editor.Close();
                editor.WriteLine(EventStyle.Notice("Disconnected from the server."));
                return await typing ? 0 : 1;
            }

            // Ctrl+C or Ctrl+D: leave cleanly, so the others see "left the chat!" at once.
            if (!await typing)
            {
                await session.QuitAsync(QuitTimeout);
            }

            await Task.WhenAny(showing, Task.Delay(QuitTimeout, CancellationToken.None));
            editor.Close();
            return 0;
        }
    }

    private async ValueTask<string> AskNicknameAsync(LineEditor editor, ChatEvent? refusal, CancellationToken cancellationToken)
    {
        if (refusal is null && settings.Nick is { } given)
        {
            return given;
        }

        if (refusal is not null)
        {
            editor.WriteLine(EventStyle.Format(refusal, string.Empty));
        }

        editor.Prompt = "Choose a nickname: ";
        while (true)
        {
            var nick = await editor.ReadLineAsync(cancellationToken) ?? throw new EndOfStreamException("no nickname given");
            if (nick.Trim().Length > 0)
            {
                editor.Prompt = string.Empty;
                return nick.Trim();
            }
        }
    }

    /// <summary>Prints every event until the connection closes.</summary>
    private static async Task ShowAsync(ClientSession session, LineEditor editor, CancellationToken cancellationToken)
    {
        try
        {
            while (await session.ReceiveAsync(cancellationToken) is { } chatEvent)
            {
                editor.WriteLine(EventStyle.Format(chatEvent, session.Nick));
                if (chatEvent.Kind == ChatEventKind.Rename)
                {
                    editor.Prompt = $"{session.Nick}> ";
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // Closed or stopped.
        }
    }

    /// <summary>Sends what is typed until /quit, the end of input or a stop.</summary>
    /// <returns>Whether /quit was sent.</returns>
    private static async Task<bool> TypeAsync(ClientSession session, LineEditor editor, CancellationToken cancellationToken)
    {
        try
        {
            while (await editor.ReadLineAsync(cancellationToken) is { } line)
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
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // Closed or stopped.
        }

        return false;
    }
}
