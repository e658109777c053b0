// batch.v1 messages kauth reads from protobuf request bodies: Kubernetes v1.35 field numbers and names (k8s.io/api/batch/v1),
// each message complete, with its Go JSON semantics as options (vocabulary in README.md).
export const BATCH_V1 = `
syntax = "proto2";
package batch.v1;

message CronJob {
  optional .meta.v1.ObjectMeta metadata = 1;
  optional .batch.v1.CronJobSpec spec = 2;
  optional .batch.v1.CronJobStatus status = 3;
}
message CronJobSpec {
  optional string schedule = 1 [(json) = "always"];
  optional string timeZone = 8 [(go) = "ptr"];
  optional int64 startingDeadlineSeconds = 2 [(go) = "ptr"];
  optional string concurrencyPolicy = 3;
  optional bool suspend = 4 [(go) = "ptr"];
  optional .batch.v1.JobTemplateSpec jobTemplate = 5 [(json) = "always"];
  optional int32 successfulJobsHistoryLimit = 6 [(go) = "ptr"];
  optional int32 failedJobsHistoryLimit = 7 [(go) = "ptr"];
}
message CronJobStatus {
  repeated .core.v1.ObjectReference active = 1;
  optional .meta.v1.Time lastScheduleTime = 4 [(go) = "ptr"];
  optional .meta.v1.Time lastSuccessfulTime = 5 [(go) = "ptr"];
}
message Job {
  optional .meta.v1.ObjectMeta metadata = 1;
  optional .batch.v1.JobSpec spec = 2;
  optional .batch.v1.JobStatus status = 3;
}
message JobCondition {
  optional string type = 1 [(json) = "always"];
  optional string status = 2 [(json) = "always"];
  optional .meta.v1.Time lastProbeTime = 3;
  optional .meta.v1.Time lastTransitionTime = 4;
  optional string reason = 5;
  optional string message = 6;
}
message JobSpec {
  optional int32 parallelism = 1 [(go) = "ptr"];
  optional int32 completions = 2 [(go) = "ptr"];
  optional int64 activeDeadlineSeconds = 3 [(go) = "ptr"];
  optional .batch.v1.PodFailurePolicy podFailurePolicy = 11 [(go) = "ptr"];
  optional .batch.v1.SuccessPolicy successPolicy = 16 [(go) = "ptr"];
  optional int32 backoffLimit = 7 [(go) = "ptr"];
  optional int32 backoffLimitPerIndex = 12 [(go) = "ptr"];
  optional int32 maxFailedIndexes = 13 [(go) = "ptr"];
  optional .meta.v1.LabelSelector selector = 4 [(go) = "ptr"];
  optional bool manualSelector = 5 [(go) = "ptr"];
  optional .core.v1.PodTemplateSpec template = 6 [(json) = "always"];
  optional int32 ttlSecondsAfterFinished = 8 [(go) = "ptr"];
  optional string completionMode = 9 [(go) = "ptr"];
  optional bool suspend = 10 [(go) = "ptr"];
  optional string podReplacementPolicy = 14 [(go) = "ptr"];
  optional string managedBy = 15 [(go) = "ptr"];
}
message JobStatus {
  repeated .batch.v1.JobCondition conditions = 1;
  optional .meta.v1.Time startTime = 2 [(go) = "ptr"];
  optional .meta.v1.Time completionTime = 3 [(go) = "ptr"];
  optional int32 active = 4;
  optional int32 succeeded = 5;
  optional int32 failed = 6;
  optional int32 terminating = 11 [(go) = "ptr"];
  optional string completedIndexes = 7;
  optional string failedIndexes = 10 [(go) = "ptr"];
  optional .batch.v1.UncountedTerminatedPods uncountedTerminatedPods = 8 [(go) = "ptr"];
  optional int32 ready = 9 [(go) = "ptr"];
}
message JobTemplateSpec {
  optional .meta.v1.ObjectMeta metadata = 1;
  optional .batch.v1.JobSpec spec = 2;
}
message PodFailurePolicy {
  repeated .batch.v1.PodFailurePolicyRule rules = 1 [(json) = "always"];
}
message PodFailurePolicyOnExitCodesRequirement {
  optional string containerName = 1 [(go) = "ptr"];
  optional string operator = 2 [(json) = "always"];
  repeated int32 values = 3 [(json) = "always"];
}
message PodFailurePolicyOnPodConditionsPattern {
  optional string type = 1 [(json) = "always"];
  optional string status = 2 [(json) = "always"];
}
message PodFailurePolicyRule {
  optional string action = 1 [(json) = "always"];
  optional .batch.v1.PodFailurePolicyOnExitCodesRequirement onExitCodes = 2 [(go) = "ptr"];
  repeated .batch.v1.PodFailurePolicyOnPodConditionsPattern onPodConditions = 3;
}
message SuccessPolicy {
  repeated .batch.v1.SuccessPolicyRule rules = 1 [(json) = "always"];
}
message SuccessPolicyRule {
  optional string succeededIndexes = 1 [(go) = "ptr"];
  optional int32 succeededCount = 2 [(go) = "ptr"];
}
message UncountedTerminatedPods {
  repeated string succeeded = 1;
  repeated string failed = 2;
}
`;
