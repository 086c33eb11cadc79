using System.Globalization;

namespace ChatRoom.LoadGen.Targets;

/// <summary>
/// This process's soft limit on open descriptors (<c>ulimit -n</c>), which the servers it starts inherit. Every
/// connection costs one descriptor here and one in the server; bench/run.sh raises the limit before starting.
/// </summary>
public static class OpenFilesLimit
{
    // Descriptors a .NET process holds besides its sockets: assemblies, epoll, pipes to the server.
    private const int Reserve = 256;

    public static long Current()
    {
        foreach (var line in File.ReadLines("/proc/self/limits"))
        {
            if (line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                var soft = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                return soft == "unlimited" ? long.MaxValue : long.Parse(soft, CultureInfo.InvariantCulture);
            }
        }

        return long.MaxValue;
    }

    /// <summary>Why <paramref name="connections"/> connections cannot be opened under the current limit, or null.</summary>
    public static string? Check(int connections)
    {
        var limit = Current();
        return connections + Reserve <= limit
            ? null
            : $"{connections} connections need about {connections + Reserve} open files per process, the limit is {limit}: run through bench/run.sh (ulimit -n)";
    }
}
