using System.Globalization;

/// <summary>
/// Adds the chat server to the model, as the project or as a container from the repository's Dockerfile, with what
/// both share: a <c>tcp</c> chat endpoint on <see cref="ServerSettings.Port"/> behind Aspire's proxy, an <c>http</c>
/// endpoint whose <c>/health</c> the AppHost polls, readable links for both, and the room's dashboard commands.
/// </summary>
internal static class ChatServerResources
{
    /// <summary>The ports the server image listens on (Dockerfile: Chat__Port, Chat__HttpPort).</summary>
    private const int ImageChatPort = 55555;
    private const int ImageHttpPort = 55556;

    public static IResourceBuilder<IResourceWithEndpoints> AddChatServer(this IDistributedApplicationBuilder builder, string name, ServerSettings settings) =>
        settings.Source switch
        {
            ServerSource.Dockerfile => builder.AddServerContainer(name, settings).WithChatServerDefaults(),
            _ => builder.AddServerProject(name, settings).WithChatServerDefaults(),
        };

    // The server listens on the ports Aspire picks, passed in Chat__Port and Chat__HttpPort, on both loopbacks.
    private static IResourceBuilder<ProjectResource> AddServerProject(this IDistributedApplicationBuilder builder, string name, ServerSettings settings) =>
        builder.AddProject<Projects.ChatRoom_Server>(name, launchProfileName: null)
            .WithEndpoint(port: settings.Port, scheme: "tcp", name: "tcp", env: "Chat__Port")
            .WithHttpEndpoint(name: "http", env: "Chat__HttpPort")
            .WithEnvironment("Chat__Host", "localhost")
            .WithServers(builder);

    // The image the repository's Dockerfile builds, at the target the settings name; WithOtlpExporter gives it the
    // dashboard's OTLP address and key, as AddProject does for projects.
    private static IResourceBuilder<ContainerResource> AddServerContainer(this IDistributedApplicationBuilder builder, string name, ServerSettings settings)
    {
        if (SharedRoom.ServerCount(builder.Configuration) > 1)
        {
            throw new InvalidOperationException("Servers above 1 runs the server project: Server:Source=Dockerfile runs one server.");
        }

        var repositoryRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
        if (settings.DockerfileTarget == "prebuilt" && !File.Exists(Path.Combine(repositoryRoot, "artifacts", "server", "ChatRoom.Server")))
        {
            throw new InvalidOperationException(
                "Server:DockerfileTarget=prebuilt packages a host-side publish, and artifacts/server/ChatRoom.Server is missing. "
                + "Publish it first: dotnet publish ChatRoom.Server/ChatRoom.Server.csproj -c Release -r linux-x64 -o artifacts/server");
        }

        var server = builder.AddDockerfile(name, repositoryRoot, "Dockerfile", settings.DockerfileTarget)
            .WithEndpoint(port: settings.Port, targetPort: ImageChatPort, scheme: "tcp", name: "tcp")
            .WithHttpEndpoint(targetPort: ImageHttpPort, name: "http")
            .WithOtlpExporter();
        if (settings.RuntimeImage is { } runtimeImage)
        {
            server = server.WithBuildArg("RUNTIME_IMAGE", runtimeImage);
        }

        if (settings.SdkImage is { } sdkImage)
        {
            server = server.WithBuildArg("SDK_IMAGE", sdkImage);
        }

        return server;
    }

    private static IResourceBuilder<T> WithChatServerDefaults<T>(this IResourceBuilder<T> server) where T : IResourceWithEndpoints =>
        server.WithHttpHealthCheck("/health", endpointName: "http")
            // A tcp:// link opens nothing in a browser: its text says how to join instead.
            .WithUrlForEndpoint("tcp", url => url.DisplayText = string.Create(CultureInfo.InvariantCulture, $"chat: nc 127.0.0.1 {url.Endpoint?.Port}"))
            // The bare http endpoint answers 404 at "/": the link opens what it serves.
            .WithUrlForEndpoint("http", url =>
            {
                url.Url = "/health";
                url.DisplayText = "health: /health";
            })
            .WithRoomCommands();
}
