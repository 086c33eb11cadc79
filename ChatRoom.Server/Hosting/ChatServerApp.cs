namespace ChatRoom.Server.Hosting;

/// <summary>Builds the server host: one process serving the chat port and the health port.</summary>
public static class ChatServerApp
{
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(ServerHostOptions.For(args));

        builder.AddServiceDefaults();
        builder.AddChatServer();

        var app = builder.Build();

        app.MapDefaultEndpoints();

        return app;
    }
}
