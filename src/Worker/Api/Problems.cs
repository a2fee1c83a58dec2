namespace StackGres.Ops.Worker.Api;

/// <summary>RFC 7807 answers of the API.</summary>
public static class Problems
{
    public static IResult BadRequest(string title, IReadOnlyList<string> errors) =>
        TypedResults.Problem(
            title: title,
            detail: string.Join(" ", errors),
            statusCode: StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?> { ["errors"] = errors });

    public static IResult NotFound(string detail) =>
        TypedResults.Problem(title: "Not found", detail: detail, statusCode: StatusCodes.Status404NotFound);

    public static IResult Conflict(string detail) =>
        TypedResults.Problem(title: "Conflict", detail: detail, statusCode: StatusCodes.Status409Conflict);

    public static IResult RepositoryUnavailable(string detail) =>
        TypedResults.Problem(title: "Backup repository unavailable", detail: detail, statusCode: StatusCodes.Status503ServiceUnavailable);

    public static IResult Unavailable(string detail) =>
        TypedResults.Problem(title: "Cluster unavailable", detail: detail, statusCode: StatusCodes.Status503ServiceUnavailable);
}
