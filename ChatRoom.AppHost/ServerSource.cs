/// <summary>What the AppHost runs as the chat server.</summary>
internal enum ServerSource
{
    /// <summary>ChatRoom.Server as a .NET project, started with <c>dotnet run</c>.</summary>
    Project,

    /// <summary>A container of the image the repository's Dockerfile builds (needs a Docker engine).</summary>
    Dockerfile,
}
