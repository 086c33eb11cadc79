// The ChatRoom AppHost: the chat server and a set of simulated clients, with their telemetry on the Aspire
// dashboard. Run it with `dotnet run --project ChatRoom.AppHost` (see docs/apphost.md).
//
// Settings (appsettings.json, or the environment as Simulator__Replicas=3, or the command line as
// `dotnet run --project ChatRoom.AppHost -- --Simulator:Replicas 3`):
//   Simulator:Replicas    how many simulated clients run (default 5)
//   Simulator:Interval    time between two messages of one simulated client (default 1s)
//   Simulator:NickPrefix  nickname prefix of the simulated clients (default sim)
//   Servers               chat servers sharing one room (default 1; 2 or more need a container engine for Redis)
//   Redis:Image           the Redis image for Servers above 1 (default Aspire's; chatroom-redis:7-bookworm offline)
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

var replicas = builder.Configuration.GetValue("Simulator:Replicas", 5);
ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1, "Simulator:Replicas");
var interval = builder.Configuration["Simulator:Interval"] ?? "1s";
var nickPrefix = builder.Configuration["Simulator:NickPrefix"] ?? "sim";

// One server (the room lives in one process). Clients reach it through Aspire's proxy on port 55555; the
// server listens on the ports Aspire picks and passes in Chat__Port and Chat__HttpPort, on both loopbacks.
var server = builder.AddProject<Projects.ChatRoom_Server>("server", launchProfileName: null)
    .WithEndpoint(port: 55555, scheme: "tcp", name: "tcp", env: "Chat__Port")
    .WithHttpEndpoint(name: "http", env: "Chat__HttpPort")
    .WithEnvironment("Chat__Host", "localhost")
    .WithHttpHealthCheck("/health", endpointName: "http")
    .WithServers(builder);

// Simulated clients: each replica gets the server's address as SERVER_TCP and services__server__tcp__0
// (tcp://localhost:55555) and starts only once the server is healthy.
builder.AddProject<Projects.ChatRoom_Client>("simulator", launchProfileName: null)
    .WithReplicas(replicas)
    .WithReference(server.GetEndpoint("tcp"))
    .WaitFor(server)
    .WithArgs("--simulate", "--interval", interval, "--nick-prefix", nickPrefix);

builder.Build().Run();
