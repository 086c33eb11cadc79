namespace ChatRoom.Dashboard.Tests;

/// <summary>
/// One collection for every dashboard test: the AppHost and the compose stack each load the machine, and the compose
/// stack holds fixed ports (55555, 18888), so they run one after the other.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DashboardCollectionDefinition
{
    public const string Name = "dashboard";
}
