using System.Text.Json;

namespace StackGres.Ops.Jobs.Operations;

/// <summary>Parameters that passed <see cref="ParameterParser"/>: every value has the declared type.</summary>
public sealed class ParameterValues
{
    private readonly IReadOnlyDictionary<string, JsonElement> _values;

    internal ParameterValues(IReadOnlyDictionary<string, JsonElement> values) => _values = values;

    public bool Has(string name) => _values.ContainsKey(name);

    public bool GetBoolean(string name, bool defaultValue) =>
        _values.TryGetValue(name, out var value) ? value.GetBoolean() : defaultValue;

    public long GetInteger(string name, long defaultValue) =>
        _values.TryGetValue(name, out var value) ? value.GetInt64() : defaultValue;

    public double GetNumber(string name, double defaultValue) =>
        _values.TryGetValue(name, out var value) ? value.GetDouble() : defaultValue;

    public string? GetString(string name) =>
        _values.TryGetValue(name, out var value) ? value.GetString() : null;

    public IReadOnlyList<string> GetStrings(string name) =>
        _values.TryGetValue(name, out var value)
            ? value.EnumerateArray().Select(item => item.GetString()!).ToArray()
            : [];
}
