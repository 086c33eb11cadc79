using System.Text;

namespace ChatRoom.Client.Terminal;

/// <summary>
/// The bottom line of the terminal, where a person types, with everything that arrives printed above it: an
/// incoming line clears the input line, prints, and redraws what was being typed, so neither tears the other.
/// Keys: Enter sends; Backspace/Delete, Left/Right, Home/End (Ctrl+A/E), Up/Down recall earlier lines,
/// Escape or Ctrl+U clears, Ctrl+D on an empty line ends the input.
/// </summary>
public sealed class LineEditor
{
    private const string ClearLine = "\r\e[2K";
    private const int MaxHistory = 100;

    private readonly Lock _console = new();
    private readonly StringBuilder _buffer = new();
    private readonly List<string> _history = [];
    private readonly TextWriter _out = Console.Out;
    private string _prompt = string.Empty;
    private int _cursor;
    private int _recalled;

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
            Clear();
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
                if (Finishes(key, out var line))
                {
                    return line;
                }

                Redraw();
            }
        }
    }

    /// <summary>Applies one key to the input.</summary>
    /// <returns>True when the line is done: <paramref name="line"/> is what was typed, or null for end of input.</returns>
    private bool Finishes(ConsoleKeyInfo key, out string? line)
    {
        line = null;
        var control = (key.Modifiers & ConsoleModifiers.Control) != 0;
        switch (key.Key)
        {
            case ConsoleKey.Enter:
                line = _buffer.ToString();
                Remember(line);
                Clear();
                return true;
            case ConsoleKey.D when control && _buffer.Length == 0:
                return true;
            case ConsoleKey.Backspace when _cursor > 0:
                _buffer.Remove(--_cursor, 1);
                break;
            case ConsoleKey.Delete when _cursor < _buffer.Length:
                _buffer.Remove(_cursor, 1);
                break;
            case ConsoleKey.LeftArrow when _cursor > 0:
                _cursor--;
                break;
            case ConsoleKey.RightArrow when _cursor < _buffer.Length:
                _cursor++;
                break;
            case ConsoleKey.Home:
            case ConsoleKey.A when control:
                _cursor = 0;
                break;
            case ConsoleKey.End:
            case ConsoleKey.E when control:
                _cursor = _buffer.Length;
                break;
            case ConsoleKey.UpArrow when _recalled > 0:
                Recall(--_recalled);
                break;
            case ConsoleKey.DownArrow when _recalled < _history.Count:
                Recall(++_recalled);
                break;
            case ConsoleKey.Escape:
            case ConsoleKey.U when control:
                Clear();
                break;
            default:
                if (!char.IsControl(key.KeyChar))
                {
                    _buffer.Insert(_cursor++, key.KeyChar);
                }

                break;
        }

        return false;
    }

    private void Remember(string line)
    {
        if (line.Length > 0 && (_history.Count == 0 || _history[^1] != line))
        {
            if (_history.Count == MaxHistory)
            {
                _history.RemoveAt(0);
            }

            _history.Add(line);
        }

        _recalled = _history.Count;
    }

    private void Recall(int index)
    {
        _buffer.Clear().Append(index < _history.Count ? _history[index] : string.Empty);
        _cursor = _buffer.Length;
    }

    private void Clear()
    {
        _buffer.Clear();
        _cursor = 0;
    }

    /// <summary>
    /// Draws the prompt and the part of the input around the cursor that fits in one row (long input scrolls
    /// sideways rather than wrapping, so clearing one row always clears it).
    /// </summary>
    private void Redraw()
    {
        var width = Console.IsOutputRedirected ? 80 : Math.Max(Console.WindowWidth, 20);
        var room = Math.Max(width - _prompt.Length - 1, 8);
        var start = Math.Max(0, _cursor - room + 1);
        var visible = Math.Min(room, _buffer.Length - start);
        _out.Write(ClearLine);
        _out.Write(_prompt);
        _out.Write(_buffer.ToString(start, visible));
        var back = start + visible - _cursor;
        if (back > 0)
        {
            _out.Write($"\e[{back}D");
        }

        _out.Flush();
    }
}
