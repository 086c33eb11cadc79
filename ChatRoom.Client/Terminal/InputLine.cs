using System.Text;

namespace ChatRoom.Client.Terminal;

/// <summary>
/// The line a person is typing: its text, the cursor, and the earlier lines that Up and Down recall. Pure editing
/// logic, keys in and text out; <see cref="LineEditor"/> reads the keys from the console and draws the result.
/// Keys: Enter sends; Backspace/Delete, Left/Right, Home/End (Ctrl+A/E), Up/Down recall earlier lines, Escape or
/// Ctrl+U clears, Ctrl+D on an empty line ends the input.
/// </summary>
public sealed class InputLine
{
    /// <summary>How many sent lines Up and Down can recall.</summary>
    public const int MaxHistory = 100;

    private readonly StringBuilder _buffer = new();
    private readonly List<string> _history = [];
    private int _recalled;

    /// <summary>What has been typed so far.</summary>
    public string Text => _buffer.ToString();

    /// <summary>Where the next character goes: 0 is before the first one.</summary>
    public int Cursor { get; private set; }

    /// <summary>Applies one key.</summary>
    /// <returns>True when the line is done: <paramref name="line"/> is what was typed, or null for end of input.</returns>
    public bool Apply(ConsoleKeyInfo key, out string? line)
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
            case ConsoleKey.Backspace when Cursor > 0:
                _buffer.Remove(--Cursor, 1);
                break;
            case ConsoleKey.Delete when Cursor < _buffer.Length:
                _buffer.Remove(Cursor, 1);
                break;
            case ConsoleKey.LeftArrow when Cursor > 0:
                Cursor--;
                break;
            case ConsoleKey.RightArrow when Cursor < _buffer.Length:
                Cursor++;
                break;
            case ConsoleKey.Home:
            case ConsoleKey.A when control:
                Cursor = 0;
                break;
            case ConsoleKey.End:
            case ConsoleKey.E when control:
                Cursor = _buffer.Length;
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
                    _buffer.Insert(Cursor++, key.KeyChar);
                }

                break;
        }

        return false;
    }

    /// <summary>Drops whatever was typed but not sent.</summary>
    public void Clear()
    {
        _buffer.Clear();
        Cursor = 0;
    }

    /// <summary>
    /// The part of the text around the cursor that fits in <paramref name="columns"/> (at least one), and how many
    /// columns the cursor stands left of its end: long input scrolls sideways rather than wrapping.
    /// </summary>
    public (string Visible, int CursorFromEnd) View(int columns)
    {
        var start = Math.Max(0, Cursor - columns + 1);
        var visible = Math.Min(columns, _buffer.Length - start);
        return (_buffer.ToString(start, visible), start + visible - Cursor);
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
        Cursor = _buffer.Length;
    }
}
