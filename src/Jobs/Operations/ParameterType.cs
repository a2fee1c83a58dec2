namespace StackGres.Ops.Jobs.Operations;

public enum ParameterType
{
    String,
    Boolean,
    Integer,
    Number,
    StringArray,
}
