using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// <c>burst-start</c> and <c>burst-stop</c> on the chat server's row: the burst's replicas are one row each on the
/// dashboard, with a Start button each; these start or stop all of them with one press, through the same start and
/// stop commands those buttons run.
/// </summary>
internal static class BurstCommands
{
    public static IResourceBuilder<T> WithBurstCommands<T>(this IResourceBuilder<T> server, IResourceBuilder<ProjectResource> burst) where T : IResource
    {
        var replicas = burst.Resource.GetReplicaCount();
        server.WithCommand("burst-start", "Start burst", context => RunOnReplicasAsync(context, burst.Resource, KnownResourceCommands.StartCommand),
            new CommandOptions
            {
                Description = string.Create(CultureInfo.InvariantCulture, $"Start the {replicas} fast simulated clients of '{burst.Resource.Name}'."),
                IconName = "Flash",
                IsHighlighted = true,
            });
        server.WithCommand("burst-stop", "Stop burst", context => RunOnReplicasAsync(context, burst.Resource, KnownResourceCommands.StopCommand),
            new CommandOptions
            {
                Description = $"Stop the simulated clients of '{burst.Resource.Name}'.",
                IconName = "FlashOff",
                IsHighlighted = true,
            });
        return server;
    }

    /// <summary>Runs <paramref name="command"/> on every replica of <paramref name="burst"/>, as the dashboard's own button does on one.</summary>
    private static async Task<ExecuteCommandResult> RunOnReplicasAsync(ExecuteCommandContext context, ProjectResource burst, string command)
    {
        var commands = context.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync(burst, command, context.CancellationToken);
        return result.Success
            ? CommandResults.Success(string.Create(CultureInfo.InvariantCulture, $"{command}: {burst.GetReplicaCount()} replicas of '{burst.Name}'."))
            : result;
    }
}
