using Docker.DotNet;

namespace ChatRoom.ContainerTests.Harness;

/// <summary>
/// Runs the removal steps of the end of a test run within one deadline: a step that fails is reported and counted, and
/// the others still run, so one stuck container never keeps the network or the images behind.
/// </summary>
internal sealed class CleanupSteps(MessageSinkLogger log, CancellationToken ct)
{
    public int Failures { get; private set; }

    public CancellationToken Token => ct;

    public async Task AttemptAsync(string what, Func<Task> step)
    {
        try
        {
            await step().WaitAsync(ct);
        }
        catch (Exception e) when (e is DockerApiException or OperationCanceledException or TimeoutException or HttpRequestException)
        {
            log.Report($"cleanup of {what} failed: {e.Message}");
            Failures++;
        }
    }
}
