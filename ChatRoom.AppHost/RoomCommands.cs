using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

/// <summary>
/// The chat server's commands on the dashboard: <c>say</c> posts a text to the room as the user
/// <see cref="DashboardChatClient.Nickname"/>, and <c>who</c> shows who is in the room. Each runs one short visit
/// over the chat endpoint (<see cref="DashboardChatClient"/>), bounded by <see cref="CommandTimeout"/>, and is
/// enabled while the server is healthy.
/// </summary>
internal static class RoomCommands
{
    private const string TextArgument = "text";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(10);

    public static IResourceBuilder<T> WithRoomCommands<T>(this IResourceBuilder<T> server) where T : IResourceWithEndpoints
    {
        var chat = server.GetEndpoint("tcp");

        server.WithCommand("say", "Say", context => RunAsync(chat, context, async (room, ct) =>
            {
                var text = context.Arguments.GetString(TextArgument) ?? "";
                var echo = await room.SayAsync(text, ct);
                return CommandResults.Success($"{DashboardChatClient.Nickname}: {echo.Text}");
            }),
            new CommandOptions
            {
                Description = $"Post a line to the room as the user '{DashboardChatClient.Nickname}'.",
                IconName = "Chat",
                IsHighlighted = true,
                UpdateState = EnabledWhileHealthy,
                Arguments =
                [
                    new InteractionInput
                    {
                        Name = TextArgument,
                        Label = "Text",
                        InputType = InputType.Text,
                        Required = true,
                        Placeholder = "Hello from the dashboard",
                    },
                ],
            });

        server.WithCommand("who", "Who is here", context => RunAsync(chat, context, async (room, ct) =>
            {
                var others = (await room.WhoAsync(ct)).Where(nick => nick != DashboardChatClient.Nickname).ToList();
                var summary = string.Create(CultureInfo.InvariantCulture, $"{others.Count} in the room");
                var list = others.Count == 0 ? "Nobody else is here." : string.Join(Environment.NewLine, others);
                return CommandResults.Success(summary, list, CommandResultFormat.Text, displayImmediately: true);
            }),
            new CommandOptions
            {
                Description = "Show who is in the room (the answer to /who).",
                IconName = "People",
                IsHighlighted = true,
                UpdateState = EnabledWhileHealthy,
            });

        return server;
    }

    private static ResourceCommandState EnabledWhileHealthy(UpdateCommandStateContext context) =>
        context.ResourceSnapshot.HealthStatus == HealthStatus.Healthy ? ResourceCommandState.Enabled : ResourceCommandState.Disabled;

    private static async Task<ExecuteCommandResult> RunAsync(
        EndpointReference chat, ExecuteCommandContext context, Func<DashboardChatClient, CancellationToken, Task<ExecuteCommandResult>> action)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        timeout.CancelAfter(CommandTimeout);
        try
        {
            await using var room = await DashboardChatClient.JoinAsync(chat.Host, chat.Port, timeout.Token);
            return await action(room, timeout.Token);
        }
        catch (ChatCommandException e)
        {
            return CommandResults.Failure(e.Message);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException)
        {
            return CommandResults.Failure($"No chat at {chat.Host}:{chat.Port}: {e.Message}");
        }
        catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested)
        {
            return CommandResults.Failure($"The server at {chat.Host}:{chat.Port} did not answer within {CommandTimeout.TotalSeconds:0} s.");
        }
    }
}
