using ChatRoom.Server.Hosting;

// ChatRoom server: a Kestrel ConnectionHandler speaking the line protocol on Chat:Port,
// health endpoints on Chat:HttpPort. See README.md for configuration.
if (args is ["--health-check", .. var probeArgs])
{
    // The container HEALTHCHECK: probe a running server's /alive and exit 0 or 1.
    return await HealthProbe.RunAsync(probeArgs);
}

await ChatServerApp.Create(args).RunAsync();
return 0;
