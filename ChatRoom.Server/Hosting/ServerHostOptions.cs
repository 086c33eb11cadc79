using Microsoft.Extensions.Hosting;

namespace ChatRoom.Server.Hosting;

/// <summary>
/// How the host starts: its content root, where appsettings*.json are read from, is the folder of the server's own
/// files (the published executable's), unless <c>--contentRoot</c>, <c>DOTNET_CONTENTROOT</c> or
/// <c>ASPNETCORE_CONTENTROOT</c> names another. The host's default, the working directory, would make a server started
/// from any other folder run without its configuration, and without a word about it.
/// </summary>
public static class ServerHostOptions
{
    public static WebApplicationOptions For(string[] args)
    {
        var named = new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddCommandLine(args)
            .Build()[HostDefaults.ContentRootKey];
        return new WebApplicationOptions { Args = args, ContentRootPath = named is null ? AppContext.BaseDirectory : null };
    }
}
