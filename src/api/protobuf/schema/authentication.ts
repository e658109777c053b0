// authentication.v1 messages kauth reads from protobuf request bodies: Kubernetes v1.35 field numbers and names (k8s.io/api/authentication/v1),
// each message complete, with its Go JSON semantics as options (vocabulary in README.md).
export const AUTHENTICATION_V1 = `
syntax = "proto2";
package authentication.v1;

message BoundObjectReference {
  optional string kind = 1;
  optional string apiVersion = 2;
  optional string name = 3;
  optional string uid = 4;
}
message ExtraValue {
  option (json_form) = "items";
  repeated string items = 1;
}
message SelfSubjectReview {
  optional .meta.v1.ObjectMeta metadata = 1;
  optional .authentication.v1.SelfSubjectReviewStatus status = 2;
}
message SelfSubjectReviewStatus {
  optional .authentication.v1.UserInfo userInfo = 1;
}
message TokenRequest {
  optional .meta.v1.ObjectMeta metadata = 1;
  optional .authentication.v1.TokenRequestSpec spec = 2 [(json) = "always"];
  optional .authentication.v1.TokenRequestStatus status = 3;
}
message TokenRequestSpec {
  repeated string audiences = 1 [(json) = "always"];
  optional int64 expirationSeconds = 4 [(go) = "ptr", (json) = "always"];
  optional .authentication.v1.BoundObjectReference boundObjectRef = 3 [(go) = "ptr", (json) = "always"];
}
message TokenRequestStatus {
  optional string token = 1 [(json) = "always"];
  optional .meta.v1.Time expirationTimestamp = 2 [(json) = "always"];
}
message TokenReview {
  optional .meta.v1.ObjectMeta metadata = 1;
  optional .authentication.v1.TokenReviewSpec spec = 2 [(json) = "always"];
  optional .authentication.v1.TokenReviewStatus status = 3;
}
message TokenReviewSpec {
  optional string token = 1;
  repeated string audiences = 2;
}
message TokenReviewStatus {
  optional bool authenticated = 1;
  optional .authentication.v1.UserInfo user = 2;
  repeated string audiences = 4;
  optional string error = 3;
}
message UserInfo {
  optional string username = 1;
  optional string uid = 2;
  repeated string groups = 3;
  map<string, .authentication.v1.ExtraValue> extra = 4;
}
`;
