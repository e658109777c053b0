// authorization.v1 messages kauth reads from protobuf request bodies: Kubernetes v1.35 field numbers and names (k8s.io/api/authorization/v1),
// each message complete, with its Go JSON semantics as options (vocabulary in README.md).
export const AUTHORIZATION_V1 = `
syntax = "proto2";
package authorization.v1;

message ExtraValue {
  option (json_form) = "items";
  repeated string items = 1;
}
message FieldSelectorAttributes {
  optional string rawSelector = 1;
  repeated .meta.v1.FieldSelectorRequirement requirements = 2;
}
message LabelSelectorAttributes {
  optional string rawSelector = 1;
  repeated .meta.v1.LabelSelectorRequirement requirements = 2;
}
message LocalSubjectAccessReview {
  optional .meta.v1.ObjectMeta metadata = 1;
  optional .authorization.v1.SubjectAccessReviewSpec spec = 2 [(json) = "always"];
  optional .authorization.v1.SubjectAccessReviewStatus status = 3;
}
message NonResourceAttributes {
  optional string path = 1;
  optional string verb = 2;
}
message NonResourceRule {
  repeated string verbs = 1 [(json) = "always"];
  repeated string nonResourceURLs = 2;
}
message ResourceAttributes {
  optional string namespace = 1;
  optional string verb = 2;
  optional string group = 3;
  optional string version = 4;
  optional string resource = 5;
  optional string subresource = 6;
  optional string name = 7;
  optional .authorization.v1.FieldSelectorAttributes fieldSelector = 8 [(go) = "ptr"];
  optional .authorization.v1.LabelSelectorAttributes labelSelector = 9 [(go) = "ptr"];
}
message ResourceRule {
  repeated string verbs = 1 [(json) = "always"];
  repeated string apiGroups = 2;
  repeated string resources = 3;
  repeated string resourceNames = 4;
}
message SelfSubjectAccessReview {
  optional .meta.v1.ObjectMeta metadata = 1;
  optional .authorization.v1.SelfSubjectAccessReviewSpec spec = 2 [(json) = "always"];
  optional .authorization.v1.SubjectAccessReviewStatus status = 3;
}
message SelfSubjectAccessReviewSpec {
  optional .authorization.v1.ResourceAttributes resourceAttributes = 1 [(go) = "ptr"];
  optional .authorization.v1.NonResourceAttributes nonResourceAttributes = 2 [(go) = "ptr"];
}
message SelfSubjectRulesReview {
  optional .meta.v1.ObjectMeta metadata = 1;
  optional .authorization.v1.SelfSubjectRulesReviewSpec spec = 2 [(json) = "always"];
  optional .authorization.v1.SubjectRulesReviewStatus status = 3;
}
message SelfSubjectRulesReviewSpec {
  optional string namespace = 1;
}
message SubjectAccessReview {
  optional .meta.v1.ObjectMeta metadata = 1;
  optional .authorization.v1.SubjectAccessReviewSpec spec = 2 [(json) = "always"];
  optional .authorization.v1.SubjectAccessReviewStatus status = 3;
}
message SubjectAccessReviewSpec {
  optional .authorization.v1.ResourceAttributes resourceAttributes = 1 [(go) = "ptr"];
  optional .authorization.v1.NonResourceAttributes nonResourceAttributes = 2 [(go) = "ptr"];
  optional string user = 3;
  repeated string groups = 4;
  map<string, .authorization.v1.ExtraValue> extra = 5;
  optional string uid = 6;
}
message SubjectAccessReviewStatus {
  optional bool allowed = 1 [(json) = "always"];
  optional bool denied = 4;
  optional string reason = 2;
  optional string evaluationError = 3;
}
message SubjectRulesReviewStatus {
  repeated .authorization.v1.ResourceRule resourceRules = 1 [(json) = "always"];
  repeated .authorization.v1.NonResourceRule nonResourceRules = 2 [(json) = "always"];
  optional bool incomplete = 3 [(json) = "always"];
  optional string evaluationError = 4;
}
`;
