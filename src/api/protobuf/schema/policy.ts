// policy.v1 messages kauth reads from protobuf request bodies (`kubectl create poddisruptionbudget`): Kubernetes
// v1.35 field numbers and names (k8s.io/api/policy/v1), with their Go JSON semantics as options (README.md).
export const POLICY_V1 = `
syntax = "proto2";
package policy.v1;

message PodDisruptionBudget {
  optional .meta.v1.ObjectMeta metadata = 1;
  optional .policy.v1.PodDisruptionBudgetSpec spec = 2;
  optional .policy.v1.PodDisruptionBudgetStatus status = 3;
}
message PodDisruptionBudgetSpec {
  optional .intstr.IntOrString minAvailable = 1 [(go) = "ptr"];
  optional .meta.v1.LabelSelector selector = 2 [(go) = "ptr"];
  optional .intstr.IntOrString maxUnavailable = 3 [(go) = "ptr"];
  optional string unhealthyPodEvictionPolicy = 4 [(go) = "ptr"];
}
message PodDisruptionBudgetStatus {
  optional int64 observedGeneration = 1;
  map<string, .meta.v1.Time> disruptedPods = 2;
  optional int32 disruptionsAllowed = 3 [(json) = "always"];
  optional int32 currentHealthy = 4 [(json) = "always"];
  optional int32 desiredHealthy = 5 [(json) = "always"];
  optional int32 expectedPods = 6 [(json) = "always"];
  repeated .meta.v1.Condition conditions = 7;
}
`;
