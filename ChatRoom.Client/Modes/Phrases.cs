namespace ChatRoom.Client.Modes;

/// <summary>What a simulated client says: small talk, so the dashboard and a watching person see a conversation.</summary>
public static class Phrases
{
    private static readonly string[] All =
    [
        "hello everyone",
        "how is everybody doing?",
        "anyone tried the new build?",
        "latency looks good from here",
        "brb, coffee",
        "back!",
        "did you see the dashboard? p99 is flat",
        "who else is here?",
        "pipelines all the way down",
        "it works on my machine",
        "nice, the broadcast span is a child of my send span",
        "let's ship it",
        "anyone up for lunch?",
        "that reconnect was quick",
        "¡hola a todos!",
        "bonjour à tous",
        "こんにちは",
        "all quiet on the loopback",
        "flushing in batches, as one should",
        "see you later",
    ];

    public static string Pick() => All[Random.Shared.Next(All.Length)];
}
