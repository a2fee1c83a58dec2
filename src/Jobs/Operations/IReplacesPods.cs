namespace StackGres.Ops.Jobs.Operations;

/// <summary>
/// An operation that may replace a cluster's pods through the Kubernetes API (a roll by pod replacement): a run of it
/// whose bound parameters ask for that needs the API from its Job, and only such a run gets a ServiceAccount token.
/// </summary>
public interface IReplacesPods
{
    bool ReplacesPods(ParameterValues values);
}
