namespace StackGres.Ops.Jobs.Operations.Vacuum;

/// <summary>A table resolved in the catalog of one database.</summary>
public sealed record TableRef(uint Oid, string Schema, string Name)
{
    public string Quoted => Sql.Identifier.Quote(Schema, Name);

    public string Display => $"{Schema}.{Name}";
}
