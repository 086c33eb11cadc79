using Microsoft.Extensions.Configuration;

/// <summary>
/// The setting <c>Servers</c>: 1 (the default) runs one server, with no container; 2 or more run that many replicas of
/// the server behind the same proxied chat port, sharing one room through a Redis container (<c>AddRedis("redis")</c>,
/// which the server references: <c>ConnectionStrings__redis</c>). <c>Redis:Image</c> names the image Redis runs from
/// instead of Aspire's, e.g. <c>chatroom-redis:7-bookworm</c> (docker/build-local-redis.sh) where docker.io cannot be
/// reached. See docs/scaling.md.
/// </summary>
internal static class SharedRoom
{
    public static int ServerCount(IConfiguration configuration)
    {
        var servers = configuration.GetValue("Servers", 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(servers, 1, "Servers");
        return servers;
    }

    public static IResourceBuilder<ProjectResource> WithServers(this IResourceBuilder<ProjectResource> server, IDistributedApplicationBuilder builder)
    {
        var servers = ServerCount(builder.Configuration);
        if (servers == 1)
        {
            return server;
        }

        var redis = builder.AddRedis("redis");
        if (builder.Configuration["Redis:Image"] is { Length: > 0 } image)
        {
            var tag = image.LastIndexOf(':') is var colon and > 0 && !image[colon..].Contains('/', StringComparison.Ordinal) ? colon : image.Length;
            redis = redis.WithImageRegistry(null).WithImage(image[..tag], tag < image.Length ? image[(tag + 1)..] : "latest");
        }

        return server.WithReplicas(servers).WithReference(redis).WaitFor(redis);
    }
}
