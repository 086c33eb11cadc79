using ChatRoom.LoadGen.Measurement;

namespace ChatRoom.LoadGen.Reporting;

/// <summary>
/// A run with several servers sharing one room through Redis (<c>--servers</c>): each server's CPU and Redis's over
/// the window, in percent of one core; the latency of deliveries to a client on another server than the sender's; and
/// whether every client received the window's messages in one and the same order.
/// </summary>
public sealed record FleetFigures(
    int Servers,
    IReadOnlyList<double> ServerCpuPercent,
    double RedisCpuPercent,
    double? RedisCpuSecondsPerMillionDeliveries,
    LatencySummary? CrossServerLatency,
    bool SameOrderAtEveryClient);
