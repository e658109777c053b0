// certificates.v1 messages kauth reads from protobuf request bodies: Kubernetes v1.35 field numbers and names (k8s.io/api/certificates/v1),
// each message complete, with its Go JSON semantics as options (vocabulary in README.md).
export const CERTIFICATES_V1 = `
syntax = "proto2";
package certificates.v1;

message CertificateSigningRequest {
  optional .meta.v1.ObjectMeta metadata = 1;
  optional .certificates.v1.CertificateSigningRequestSpec spec = 2 [(json) = "always"];
  optional .certificates.v1.CertificateSigningRequestStatus status = 3;
}
message CertificateSigningRequestCondition {
  optional string type = 1 [(json) = "always"];
  optional string status = 6 [(json) = "always"];
  optional string reason = 2;
  optional string message = 3;
  optional .meta.v1.Time lastUpdateTime = 4;
  optional .meta.v1.Time lastTransitionTime = 5;
}
message CertificateSigningRequestSpec {
  optional bytes request = 1 [(json) = "always"];
  optional string signerName = 7 [(json) = "always"];
  optional int32 expirationSeconds = 8 [(go) = "ptr"];
  repeated string usages = 5;
  optional string username = 2;
  optional string uid = 3;
  repeated string groups = 4;
  map<string, .certificates.v1.ExtraValue> extra = 6;
}
message CertificateSigningRequestStatus {
  repeated .certificates.v1.CertificateSigningRequestCondition conditions = 1;
  optional bytes certificate = 2;
}
message ExtraValue {
  option (json_form) = "items";
  repeated string items = 1;
}
`;
