// The envelope and the apimachinery value types with their own JSON forms: Kubernetes field numbers from
// k8s.io/apimachinery/pkg/runtime, pkg/util/intstr and pkg/api/resource (generated.proto).
export const RUNTIME = `
syntax = "proto2";
package runtime;

message TypeMeta {
  optional string apiVersion = 1;
  optional string kind = 2;
}
message Unknown {
  optional .runtime.TypeMeta typeMeta = 1;
  optional bytes raw = 2;
  optional string contentEncoding = 3;
  optional string contentType = 4;
}
message RawExtension {
  option (json_form) = "rawjson";
  optional bytes raw = 1;
}
`;

export const INTSTR = `
syntax = "proto2";
package intstr;

message IntOrString {
  option (json_form) = "intorstring";
  optional int64 type = 1;
  optional int32 intVal = 2;
  optional string strVal = 3;
}
`;

export const RESOURCE = `
syntax = "proto2";
package resource;

message Quantity {
  option (json_form) = "quantity";
  optional string string = 1;
}
`;
