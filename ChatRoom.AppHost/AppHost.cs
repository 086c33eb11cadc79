// The ChatRoom AppHost: the chat server, simulated clients talking in its room, and a burst of fast ones to start
// from the dashboard, with their telemetry on the Aspire dashboard. `dotnet run --project ChatRoom.AppHost`; the
// settings and what to look at: docs/apphost.md.
var builder = DistributedApplication.CreateBuilder(args);

var serverSettings = ServerSettings.Read(builder.Configuration);
var simulators = SimulatorSettings.Read(builder.Configuration, "Simulator", new(Replicas: 5, Interval: "1s", NickPrefix: "sim"));
var burst = SimulatorSettings.Read(builder.Configuration, "Burst", new(Replicas: 10, Interval: "200ms", NickPrefix: "burst"));

// One server, whose room lives in its process; or, with Servers above 1, replicas sharing one room through Redis.
var server = builder.AddChatServer("server", serverSettings);

// Simulated clients: each replica gets the server's address as SERVER_TCP and services__server__tcp__0 and starts
// once the server is healthy. The burst waits for a press of Start on the dashboard.
builder.AddSimulators("simulator", simulators, server);
var burstClients = builder.AddSimulators("burst", burst, server).WithExplicitStart();
server.WithBurstCommands(burstClients);

builder.Build().Run();
