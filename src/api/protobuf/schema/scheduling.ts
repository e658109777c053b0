// scheduling.v1 messages kauth reads from protobuf request bodies (`kubectl create priorityclass`): Kubernetes
// v1.35 field numbers and names (k8s.io/api/scheduling/v1), with their Go JSON semantics as options (README.md).
export const SCHEDULING_V1 = `
syntax = "proto2";
package scheduling.v1;

message PriorityClass {
  optional .meta.v1.ObjectMeta metadata = 1;
  optional int32 value = 2 [(json) = "always"];
  optional bool globalDefault = 3;
  optional string description = 4;
  optional string preemptionPolicy = 5 [(go) = "ptr"];
}
`;
