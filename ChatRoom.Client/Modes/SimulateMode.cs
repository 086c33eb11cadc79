using System.Globalization;
using System.Net.Sockets;
using ChatRoom.Client.Connection;
using ChatRoom.Client.Telemetry;
using ChatRoom.Protocol.Events;
using ChatRoom.Protocol.Text;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ChatRoom.Client.Modes;

/// <summary>
/// <c>--simulate</c>: a bot for load and demos. It joins as <c>prefix-NNNN</c> (another number when that one is
/// taken), says a phrase every interval ±20%, reads everything, and when the server goes away joins again
/// with exponential backoff and jitter (the <see cref="ReconnectPipeline"/>), until it is stopped.
/// </summary>
public sealed class SimulateMode(
    ClientSettings settings,
    ServerAddress server,
    ClientMetrics metrics,
    ResiliencePipeline<ClientSession> reconnect,
    ILogger<SimulateMode> logger)
{
    private const double Jitter = 0.2;
    private static readonly TimeSpan QuitTimeout = TimeSpan.FromSeconds(2);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        if (!NicknameRules.TryNormalize(NewNickname(), out _, out var error))
        {
            await Console.Error.WriteLineAsync($"--nick-prefix '{settings.NickPrefix}' cannot start a nickname: {error}");
            return 2;
        }

        var joinedBefore = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            ClientSession session;
            try
            {
                session = await reconnect.ExecuteAsync(
                    static (state, ct) => new ValueTask<ClientSession>(ClientSession.JoinAsync(state.server, state.self.ChooseNicknameAsync, state.metrics, ct)),
                    (server, self: this, metrics),
                    cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (ClientSession.DescribeJoinFailure(server, e) is { } failure)
            {
                await Console.Error.WriteLineAsync(failure); // not something trying again would fix
                return 2;
            }

            if (joinedBefore)
            {
                metrics.Reconnected();
            }

            joinedBefore = true;
            await using (session)
            {
                ClientLog.Joined(logger, session.Nick, server.ToString());
                await ChatAsync(session, cancellationToken);
            }
        }

        return 0;
    }

    /// <summary>
    /// The bot's reconnect policy: retry joining for ever (the server may be restarting or not up yet), each wait
    /// about twice the last, capped and jittered so many bots do not return in lockstep. A proxy that accepts
    /// before the server is up and then closes (Aspire's) shows up as a lost connection, and is retried too.
    /// </summary>
    public static void ReconnectPipeline(ResiliencePipelineBuilder<ClientSession> pipeline, ILogger logger, ServerAddress server)
    {
        pipeline
            .AddRetry(new RetryStrategyOptions<ClientSession>
            {
                ShouldHandle = new PredicateBuilder<ClientSession>()
                    .Handle<SocketException>()
                    .Handle<IOException>()
                    .Handle<TimeoutRejectedException>()
                    .Handle<ChatRefusedException>(e => e.Error.Code is null or "server_full"),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(500),
                MaxDelay = TimeSpan.FromSeconds(15),
                OnRetry = args =>
                {
                    ClientLog.RetryingJoin(logger, server.ToString(), args.AttemptNumber + 1,
                        args.Outcome.Exception?.Message ?? "no answer", args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            // A server that accepts but never answers must not hold a bot for ever.
            .AddTimeout(TimeSpan.FromSeconds(15));
    }

    private ValueTask<string> ChooseNicknameAsync(ChatEvent? refusal, CancellationToken cancellationToken)
    {
        if (refusal is { Code: not "nick_in_use" })
        {
            throw new ChatRefusedException(refusal);
        }

        if (refusal is not null)
        {
            ClientLog.NicknameTaken(logger, refusal.Text ?? string.Empty);
        }

        return ValueTask.FromResult(NewNickname());
    }

    private string NewNickname() =>
        $"{settings.NickPrefix}-{Random.Shared.Next(10_000).ToString("D4", CultureInfo.InvariantCulture)}";

    /// <summary>Talks and listens until the connection is lost or the bot is stopped.</summary>
    private async Task ChatAsync(ClientSession session, CancellationToken cancellationToken)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var listening = ListenAsync(session, done.Token);
        var talking = TalkAsync(session, done.Token);
        var first = await Task.WhenAny(listening, talking);
        await done.CancelAsync();
        var reason = await first;
        await Task.WhenAll(listening, talking);

        if (cancellationToken.IsCancellationRequested)
        {
            ClientLog.Stopping(logger, session.Nick, server.ToString());
            await session.QuitAsync(QuitTimeout);
        }
        else
        {
            ClientLog.ConnectionLost(logger, session.Nick, server.ToString(), reason);
        }
    }

    /// <returns>Why listening ended.</returns>
    private async Task<string> ListenAsync(ClientSession session, CancellationToken cancellationToken)
    {
        try
        {
            string? shutdown = null;
            while (await session.ReceiveAsync(cancellationToken) is { } chatEvent)
            {
                if (chatEvent is { Kind: ChatEventKind.Error })
                {
                    ClientLog.ServerError(logger, session.Nick, PlainText.Render(chatEvent));
                }
                else if (chatEvent is { Kind: ChatEventKind.System, Code: "shutdown" })
                {
                    shutdown = chatEvent.Text;
                }
            }

            return shutdown ?? "the server closed the connection";
        }
        catch (OperationCanceledException)
        {
            return "stopped";
        }
        catch (IOException e)
        {
            return e.Message;
        }
    }

    /// <returns>Why talking ended.</returns>
    private async Task<string> TalkAsync(ClientSession session, CancellationToken cancellationToken)
    {
        try
        {
            // The first message comes after a random part of the interval, so bots started together do not talk in unison.
            await Task.Delay(settings.Interval * Random.Shared.NextDouble(), cancellationToken);
            while (true)
            {
                await session.SendAsync(Phrases.Pick(), cancellationToken);
                await Task.Delay(settings.Interval * (1 + Jitter * ((2 * Random.Shared.NextDouble()) - 1)), cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            return "stopped";
        }
        catch (IOException e)
        {
            return e.Message;
        }
    }
}
