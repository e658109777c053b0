// apps.v1 messages kauth reads from protobuf request bodies: Kubernetes v1.35 field numbers and names (k8s.io/api/apps/v1),
// each message complete, with its Go JSON semantics as options (vocabulary in README.md).
export const APPS_V1 = `
syntax = "proto2";
package apps.v1;

message Deployment {
  optional .meta.v1.ObjectMeta metadata = 1;
  optional .apps.v1.DeploymentSpec spec = 2;
  optional .apps.v1.DeploymentStatus status = 3;
}
message DeploymentCondition {
  optional string type = 1 [(json) = "always"];
  optional string status = 2 [(json) = "always"];
  optional .meta.v1.Time lastUpdateTime = 6;
  optional .meta.v1.Time lastTransitionTime = 7;
  optional string reason = 4;
  optional string message = 5;
}
message DeploymentSpec {
  optional int32 replicas = 1 [(go) = "ptr"];
  optional .meta.v1.LabelSelector selector = 2 [(go) = "ptr", (json) = "always"];
  optional .core.v1.PodTemplateSpec template = 3 [(json) = "always"];
  optional .apps.v1.DeploymentStrategy strategy = 4;
  optional int32 minReadySeconds = 5;
  optional int32 revisionHistoryLimit = 6 [(go) = "ptr"];
  optional bool paused = 7;
  optional int32 progressDeadlineSeconds = 9 [(go) = "ptr"];
}
message DeploymentStatus {
  optional int64 observedGeneration = 1;
  optional int32 replicas = 2;
  optional int32 updatedReplicas = 3;
  optional int32 readyReplicas = 7;
  optional int32 availableReplicas = 4;
  optional int32 unavailableReplicas = 5;
  optional int32 terminatingReplicas = 9 [(go) = "ptr"];
  repeated .apps.v1.DeploymentCondition conditions = 6;
  optional int32 collisionCount = 8 [(go) = "ptr"];
}
message DeploymentStrategy {
  optional string type = 1;
  optional .apps.v1.RollingUpdateDeployment rollingUpdate = 2 [(go) = "ptr"];
}
message RollingUpdateDeployment {
  optional .intstr.IntOrString maxUnavailable = 1 [(go) = "ptr"];
  optional .intstr.IntOrString maxSurge = 2 [(go) = "ptr"];
}
`;
