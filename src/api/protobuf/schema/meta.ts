// meta.v1 messages kauth reads from protobuf request bodies: Kubernetes v1.35 field numbers and names (k8s.io/apimachinery/pkg/apis/meta/v1),
// each message complete, with its Go JSON semantics as options (vocabulary in README.md).
export const META_V1 = `
syntax = "proto2";
package meta.v1;

message Condition {
  optional string type = 1 [(json) = "always"];
  optional string status = 2 [(json) = "always"];
  optional int64 observedGeneration = 3;
  optional .meta.v1.Time lastTransitionTime = 4 [(json) = "always"];
  optional string reason = 5 [(json) = "always"];
  optional string message = 6 [(json) = "always"];
}
message DeleteOptions {
  optional int64 gracePeriodSeconds = 1 [(go) = "ptr"];
  optional .meta.v1.Preconditions preconditions = 2 [(go) = "ptr"];
  optional bool orphanDependents = 3 [(go) = "ptr"];
  optional string propagationPolicy = 4 [(go) = "ptr"];
  repeated string dryRun = 5;
  optional bool ignoreStoreReadErrorWithClusterBreakingPotential = 6 [(go) = "ptr"];
}
message Duration {
  option (json_form) = "duration";
  optional int64 duration = 1;
}
message FieldSelectorRequirement {
  optional string key = 1 [(json) = "always"];
  optional string operator = 2 [(json) = "always"];
  repeated string values = 3;
}
message FieldsV1 {
  option (json_form) = "rawjson";
  optional bytes Raw = 1;
}
message LabelSelector {
  map<string, string> matchLabels = 1;
  repeated .meta.v1.LabelSelectorRequirement matchExpressions = 2;
}
message LabelSelectorRequirement {
  optional string key = 1 [(json) = "always"];
  optional string operator = 2 [(json) = "always"];
  repeated string values = 3;
}
message ManagedFieldsEntry {
  optional string manager = 1;
  optional string operation = 2;
  optional string apiVersion = 3;
  optional .meta.v1.Time time = 4 [(go) = "ptr"];
  optional string fieldsType = 6;
  optional .meta.v1.FieldsV1 fieldsV1 = 7 [(go) = "ptr"];
  optional string subresource = 8;
}
message MicroTime {
  option (json_form) = "microtime";
  optional int64 seconds = 1;
  optional int32 nanos = 2;
}
message ObjectMeta {
  optional string name = 1;
  optional string generateName = 2;
  optional string namespace = 3;
  optional string selfLink = 4;
  optional string uid = 5;
  optional string resourceVersion = 6;
  optional int64 generation = 7;
  optional .meta.v1.Time creationTimestamp = 8 [(json) = "omitzero"];
  optional .meta.v1.Time deletionTimestamp = 9 [(go) = "ptr"];
  optional int64 deletionGracePeriodSeconds = 10 [(go) = "ptr"];
  map<string, string> labels = 11;
  map<string, string> annotations = 12;
  repeated .meta.v1.OwnerReference ownerReferences = 13;
  repeated string finalizers = 14;
  repeated .meta.v1.ManagedFieldsEntry managedFields = 17;
}
message OwnerReference {
  optional string apiVersion = 5 [(json) = "always"];
  optional string kind = 1 [(json) = "always"];
  optional string name = 3 [(json) = "always"];
  optional string uid = 4 [(json) = "always"];
  optional bool controller = 6 [(go) = "ptr"];
  optional bool blockOwnerDeletion = 7 [(go) = "ptr"];
}
message Preconditions {
  optional string uid = 1 [(go) = "ptr"];
  optional string resourceVersion = 2 [(go) = "ptr"];
}
message Time {
  option (json_form) = "time";
  optional int64 seconds = 1;
  optional int32 nanos = 2;
}
`;
