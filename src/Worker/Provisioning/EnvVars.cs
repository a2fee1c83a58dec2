using k8s.Models;

namespace StackGres.Ops.Worker.Provisioning;

/// <summary>Environment variables of the containers: plain values, pod fields, and passwords only as secretKeyRef.</summary>
public static class EnvVars
{
    public static V1EnvVar Value(string name, string value) => new() { Name = name, Value = value };

    public static V1EnvVar Field(string name, string fieldPath) =>
        new() { Name = name, ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = fieldPath } } };

    public static V1EnvVar Secret(string name, string secretName, string key) =>
        new() { Name = name, ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secretName, Key = key } } };

    public static V1EnvVar Password(string name, SecretPassword password) => Secret(name, password.SecretName, password.SecretKey);
}
