using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace StackGres.Ops.Tests.Worker.Support;

/// <summary>One log event the worker wrote, with its message rendered.</summary>
public sealed record CapturedLogEntry(string Category, LogLevel Level, EventId EventId, string Message, string? Exception)
{
    public override string ToString() => $"{Level} {Category}[{EventId.Id}] {Message}{(Exception is null ? string.Empty : " " + Exception)}";
}

/// <summary>
/// Records every event the worker logs. Serilog hands events to the registered providers
/// (writeToProviders: true), so this sees what the console sees.
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLogEntry> entries = new();

    public IReadOnlyList<CapturedLogEntry> Entries => entries.ToArray();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    // Serilog disposes its providers with its pipeline; what was captured stays readable.
    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.entries.Enqueue(new CapturedLogEntry(category, logLevel, eventId, formatter(state, exception), exception?.ToString()));
    }
}
