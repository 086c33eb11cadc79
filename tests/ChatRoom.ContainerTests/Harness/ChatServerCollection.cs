namespace ChatRoom.ContainerTests.Harness;

/// <summary>Every container test shares one <see cref="ChatServerFixture"/>: one image build and one server per run.</summary>
[CollectionDefinition(Name)]
public sealed class ChatServerCollectionDefinition : ICollectionFixture<ChatServerFixture>
{
    public const string Name = "chat server container";
}
