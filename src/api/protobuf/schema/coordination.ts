// coordination.v1 messages (Lease): Kubernetes v1.35 field numbers and names (k8s.io/api/coordination/v1), with
// their Go JSON semantics as options (README.md); they give Leases their OpenAPI schema and strict field validation.
export const COORDINATION_V1 = `
syntax = "proto2";
package coordination.v1;

message Lease {
  optional .meta.v1.ObjectMeta metadata = 1;
  optional .coordination.v1.LeaseSpec spec = 2;
}
message LeaseSpec {
  optional string holderIdentity = 1 [(go) = "ptr"];
  optional int32 leaseDurationSeconds = 2 [(go) = "ptr"];
  optional .meta.v1.MicroTime acquireTime = 3 [(go) = "ptr"];
  optional .meta.v1.MicroTime renewTime = 4 [(go) = "ptr"];
  optional int32 leaseTransitions = 5 [(go) = "ptr"];
  optional string strategy = 6 [(go) = "ptr"];
  optional string preferredHolder = 7 [(go) = "ptr"];
}
`;
