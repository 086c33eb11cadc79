namespace ChatRoom.Backplane.Tests.Harness;

/// <summary>
/// Every test here runs several servers and a Redis: one at a time, so that on a small machine none of them waits for
/// CPU another test took.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BackplaneCollectionDefinition : ICollectionFixture<RedisInstallation>
{
    public const string Name = "backplane";
}
