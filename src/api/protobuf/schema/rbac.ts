// rbac.v1 messages kauth reads from protobuf request bodies: Kubernetes v1.35 field numbers and names (k8s.io/api/rbac/v1),
// each message complete, with its Go JSON semantics as options (vocabulary in README.md).
export const RBAC_V1 = `
syntax = "proto2";
package rbac.v1;

message AggregationRule {
  repeated .meta.v1.LabelSelector clusterRoleSelectors = 1;
}
message ClusterRole {
  optional .meta.v1.ObjectMeta metadata = 1;
  repeated .rbac.v1.PolicyRule rules = 2 [(json) = "always"];
  optional .rbac.v1.AggregationRule aggregationRule = 3 [(go) = "ptr"];
}
message ClusterRoleBinding {
  optional .meta.v1.ObjectMeta metadata = 1;
  repeated .rbac.v1.Subject subjects = 2;
  optional .rbac.v1.RoleRef roleRef = 3 [(json) = "always"];
}
message PolicyRule {
  repeated string verbs = 1 [(json) = "always"];
  repeated string apiGroups = 2;
  repeated string resources = 3;
  repeated string resourceNames = 4;
  repeated string nonResourceURLs = 5;
}
message Role {
  optional .meta.v1.ObjectMeta metadata = 1;
  repeated .rbac.v1.PolicyRule rules = 2 [(json) = "always"];
}
message RoleBinding {
  optional .meta.v1.ObjectMeta metadata = 1;
  repeated .rbac.v1.Subject subjects = 2;
  optional .rbac.v1.RoleRef roleRef = 3 [(json) = "always"];
}
message RoleRef {
  optional string apiGroup = 1 [(json) = "always"];
  optional string kind = 2 [(json) = "always"];
  optional string name = 3 [(json) = "always"];
}
message Subject {
  optional string kind = 1 [(json) = "always"];
  optional string apiGroup = 2;
  optional string name = 3 [(json) = "always"];
  optional string namespace = 4;
}
`;
