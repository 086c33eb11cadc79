/// <summary>Adds a group of simulated clients: the console client in <c>--simulate</c> mode, one process per replica.</summary>
internal static class SimulatorResources
{
    public static IResourceBuilder<ProjectResource> AddSimulators(
        this IDistributedApplicationBuilder builder, string name, SimulatorSettings settings, IResourceBuilder<IResourceWithEndpoints> server) =>
        builder.AddProject<Projects.ChatRoom_Client>(name, launchProfileName: null)
            .WithReplicas(settings.Replicas)
            .WithReference(server.GetEndpoint("tcp"))
            .WaitFor(server)
            .WithArgs(settings.ClientArguments());
}
