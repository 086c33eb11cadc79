namespace ChatRoom.Client.Terminal;

/// <summary>
/// The bottom line of the terminal, where a person types, with everything that arrives printed above it: an
/// incoming line clears the input line, prints, and redraws what was being typed, so neither tears the other.
/// The console's side: what each key does to the line is <see cref="InputLine"/>'s.
/// </summary>
public sealed class LineEditor
{
    private const string ClearLine = "\r\e[2K";

    private readonly Lock _console = new();
    private readonly InputLine _input = new();
    private readonly TextWriter _out = Console.Out;
    private string _prompt = string.Empty;

    /// <summary>The text in front of the input, e.g. the nickname.</summary>
    public string Prompt
    {
        get => _prompt;
        set
        {
            lock (_console)
            {
                _prompt = value;
                Redraw();
            }
        }
    }

    /// <summary>Prints <paramref name="line"/> above the input line.</summary>
    public void WriteLine(string line)
    {
        lock (_console)
        {
            _out.Write(ClearLine);
            _out.Write(line);
            _out.Write('\n');
            Redraw();
        }
    }

    /// <summary>Ends editing: whatever was typed but not sent is dropped, and the input line is cleared.</summary>
    public void Close()
    {
        lock (_console)
        {
            _prompt = string.Empty;
            _input.Clear();
            _out.Write(ClearLine);
            _out.Flush();
        }
    }

    /// <summary>
    /// Reads one line on a thread of its own (Console.ReadKey blocks and cannot be cancelled): null when the
    /// input ends. A cancelled read leaves that thread waiting for a key, which is harmless as the client is exiting.
    /// </summary>
    public Task<string?> ReadLineAsync(CancellationToken cancellationToken) =>
        Task.Factory.StartNew(ReadLine, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default)
            .WaitAsync(cancellationToken);

    private string? ReadLine()
    {
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            lock (_console)
            {
                if (_input.Apply(key, out var line))
                {
                    return line;
                }

                Redraw();
            }
        }
    }

    /// <summary>
    /// Draws the prompt and the part of the input around the cursor that fits in one row (long input scrolls
    /// sideways rather than wrapping, so clearing one row always clears it).
    /// </summary>
    private void Redraw()
    {
        var width = Console.IsOutputRedirected ? 80 : Math.Max(Console.WindowWidth, 20);
        var (visible, back) = _input.View(Math.Max(width - _prompt.Length - 1, 8));
        _out.Write(ClearLine);
        _out.Write(_prompt);
        _out.Write(visible);
        if (back > 0)
        {
            _out.Write($"\e[{back}D");
        }

        _out.Flush();
    }
}
