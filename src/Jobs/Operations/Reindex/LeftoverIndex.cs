namespace StackGres.Ops.Jobs.Operations.Reindex;

/// <summary>An invalid '_ccnew' or '_ccold' index that an interrupted REINDEX CONCURRENTLY left behind.</summary>
public sealed record LeftoverIndex(uint Oid, string Schema, string Name, uint TableOid)
{
    public string Quoted => Sql.Identifier.Quote(Schema, Name);

    public string Display => $"{Schema}.{Name}";
}
