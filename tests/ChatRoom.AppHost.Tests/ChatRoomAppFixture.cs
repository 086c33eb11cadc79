using Aspire.Hosting;
using ChatRoom.AppHost.Tests.Harness;
using ChatRoom.Tests.Harness;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ChatRoom.AppHost.Tests;

/// <summary>
/// Starts the whole AppHost once for the tests of a class: the server, the simulated clients (as many replicas as
/// the AppHost's <c>Simulator:Replicas</c>), DCP and its proxies, exactly as <c>dotnet run --project
/// ChatRoom.AppHost</c> would, minus the dashboard, which the testing builder turns off.
/// </summary>
/// <remarks>
/// Telemetry: with the dashboard off, the testing builder still gives every project
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317</c> (gRPC), where nothing listens. So the fixture hosts an
/// OTLP/HTTP collector (the shared OtlpSink) and points both projects at it. That works because a project's environment is built by
/// running its environment callbacks in the order they were added, into one dictionary
/// (Aspire.Hosting EnvironmentVariablesExecutionConfigurationGatherer): the OTLP variables come from AddProject
/// (WithOtlpExporter), and the callback added here afterwards overwrites them.
/// </remarks>
public sealed class ChatRoomAppFixture(IMessageSink sink) : IAsyncLifetime
{
    /// <summary>Bound for building and starting the application and for the server to become healthy.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private DistributedApplication? _app;
    private OtlpSink? _otlp;

    /// <summary>The OTLP/HTTP collector the server and the simulated clients export to.</summary>
    public OtlpSink Otlp => _otlp ?? throw new InvalidOperationException("The OTLP collector did not start.");

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The application did not start.");

    /// <summary>The number of simulated clients the AppHost starts: the replicas of its <c>simulator</c> resource.</summary>
    public int Replicas { get; private set; }

    /// <summary>The nickname prefix of the simulated clients: the <c>--nick-prefix</c> argument of the <c>simulator</c> resource.</summary>
    public string NickPrefix { get; private set; } = "sim";

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var ct = timeout.Token;
        _otlp = await OtlpSink.StartAsync();
        var otlpEndpoint = _otlp.Endpoint.ToString().TrimEnd('/');

        // Runs AppHost.cs up to builder.Build(): every resource is in the model when this returns.
        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ChatRoom_AppHost>(ct);
        try
        {
            // What the AppHost put in the model: the simulator's replica count, and the prefix in its arguments.
            var simulator = appHost.Resources.OfType<ProjectResource>().Single(resource => resource.Name == "simulator");
            Replicas = simulator.GetReplicaCount();
            var arguments = new List<object>();
            foreach (var annotation in simulator.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
            {
                await annotation.Callback(new CommandLineArgsCallbackContext(arguments, simulator, ct));
            }

            var texts = arguments.OfType<string>().ToList();
            NickPrefix = texts[texts.IndexOf("--nick-prefix") + 1];

            // Every resource's console output (the testing builder logs it as category ChatRoom.AppHost.Resources.<name>)
            // and Aspire's warnings go to the test output, so a failure shows what the server and the clients said.
            appHost.Services.AddLogging(logging => logging
                .AddProvider(new MessageSinkLoggerProvider(sink))
                .AddFilter<MessageSinkLoggerProvider>("Aspire", LogLevel.Warning)
                .AddFilter<MessageSinkLoggerProvider>(appHost.Environment.ApplicationName, LogLevel.Information));

            foreach (var name in new[] { "server", "simulator" })
            {
                appHost.CreateResourceBuilder<ProjectResource>(name).WithEnvironment(context =>
                {
                    context.EnvironmentVariables["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlpEndpoint;
                    context.EnvironmentVariables["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
                    context.EnvironmentVariables["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
                    context.EnvironmentVariables["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
                });
            }

            _app = await appHost.BuildAsync(ct);
            await _app.StartAsync(ct);
            await _app.ResourceNotifications.WaitForResourceHealthyAsync("server", ct);
        }
        catch
        {
            // Stop whatever started. The application owns the testing factory once built; before that the builder does.
            if (_app is { } app)
            {
                _app = null;
                await app.DisposeAsync();
            }
            else
            {
                await appHost.DisposeAsync();
            }

            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_otlp is not null)
        {
            await _otlp.DisposeAsync();
        }
    }
}
