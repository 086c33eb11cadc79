// OpenTelemetry providers listen to meters and activity sources by name, process-wide: a test's in-memory
// exporter would also see every other server started in this process. So no two telemetry tests run at once.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace ChatRoom.Telemetry.Tests;

/// <summary>The one collection every telemetry test belongs to; it never runs in parallel with anything.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryTestGroup
{
    public const string Name = "Telemetry";
}
