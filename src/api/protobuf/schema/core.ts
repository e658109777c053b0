// core.v1 messages kauth reads from protobuf request bodies: Kubernetes v1.35 field numbers and names (k8s.io/api/core/v1),
// each message complete, with its Go JSON semantics as options (vocabulary in README.md).
export const CORE_V1 = `
syntax = "proto2";
package core.v1;

message AWSElasticBlockStoreVolumeSource {
  optional string volumeID = 1 [(json) = "always"];
  optional string fsType = 2;
  optional int32 partition = 3;
  optional bool readOnly = 4;
}
message Affinity {
  optional .core.v1.NodeAffinity nodeAffinity = 1 [(go) = "ptr"];
  optional .core.v1.PodAffinity podAffinity = 2 [(go) = "ptr"];
  optional .core.v1.PodAntiAffinity podAntiAffinity = 3 [(go) = "ptr"];
}
message AppArmorProfile {
  optional string type = 1 [(json) = "always"];
  optional string localhostProfile = 2 [(go) = "ptr"];
}
message AttachedVolume {
  optional string name = 1 [(json) = "always"];
  optional string devicePath = 2 [(json) = "always"];
}
message AzureDiskVolumeSource {
  optional string diskName = 1 [(json) = "always"];
  optional string diskURI = 2 [(json) = "always"];
  optional string cachingMode = 3 [(go) = "ptr"];
  optional string fsType = 4 [(go) = "ptr"];
  optional bool readOnly = 5 [(go) = "ptr"];
  optional string kind = 6 [(go) = "ptr"];
}
message AzureFileVolumeSource {
  optional string secretName = 1 [(json) = "always"];
  optional string shareName = 2 [(json) = "always"];
  optional bool readOnly = 3;
}
message CSIVolumeSource {
  optional string driver = 1 [(json) = "always"];
  optional bool readOnly = 2 [(go) = "ptr"];
  optional string fsType = 3 [(go) = "ptr"];
  map<string, string> volumeAttributes = 4;
  optional .core.v1.LocalObjectReference nodePublishSecretRef = 5 [(go) = "ptr"];
}
message Capabilities {
  repeated string add = 1;
  repeated string drop = 2;
}
message CephFSVolumeSource {
  repeated string monitors = 1 [(json) = "always"];
  optional string path = 2;
  optional string user = 3;
  optional string secretFile = 4;
  optional .core.v1.LocalObjectReference secretRef = 5 [(go) = "ptr"];
  optional bool readOnly = 6;
}
message CinderVolumeSource {
  optional string volumeID = 1 [(json) = "always"];
  optional string fsType = 2;
  optional bool readOnly = 3;
  optional .core.v1.LocalObjectReference secretRef = 4 [(go) = "ptr"];
}
message ClientIPConfig {
  optional int32 timeoutSeconds = 1 [(go) = "ptr"];
}
message ClusterTrustBundleProjection {
  optional string name = 1 [(go) = "ptr"];
  optional string signerName = 2 [(go) = "ptr"];
  optional .meta.v1.LabelSelector labelSelector = 3 [(go) = "ptr"];
  optional bool optional = 5 [(go) = "ptr"];
  optional string path = 4 [(json) = "always"];
}
message ConfigMap {
  optional .meta.v1.ObjectMeta metadata = 1;
  optional bool immutable = 4 [(go) = "ptr"];
  map<string, string> data = 2;
  map<string, bytes> binaryData = 3;
}
message ConfigMapEnvSource {
  optional .core.v1.LocalObjectReference localObjectReference = 1 [(json) = "inline"];
  optional bool optional = 2 [(go) = "ptr"];
}
message ConfigMapKeySelector {
  optional .core.v1.LocalObjectReference localObjectReference = 1 [(json) = "inline"];
  optional string key = 2 [(json) = "always"];
  optional bool optional = 3 [(go) = "ptr"];
}
message ConfigMapNodeConfigSource {
  optional string namespace = 1 [(json) = "always"];
  optional string name = 2 [(json) = "always"];
  optional string uid = 3;
  optional string resourceVersion = 4;
  optional string kubeletConfigKey = 5 [(json) = "always"];
}
message ConfigMapProjection {
  optional .core.v1.LocalObjectReference localObjectReference = 1 [(json) = "inline"];
  repeated .core.v1.KeyToPath items = 2;
  optional bool optional = 4 [(go) = "ptr"];
}
message ConfigMapVolumeSource {
  optional .core.v1.LocalObjectReference localObjectReference = 1 [(json) = "inline"];
  repeated .core.v1.KeyToPath items = 2;
  optional int32 defaultMode = 3 [(go) = "ptr"];
  optional bool optional = 4 [(go) = "ptr"];
}
message Container {
  optional string name = 1 [(json) = "always"];
  optional string image = 2;
  repeated string command = 3;
  repeated string args = 4;
  optional string workingDir = 5;
  repeated .core.v1.ContainerPort ports = 6;
  repeated .core.v1.EnvFromSource envFrom = 19;
  repeated .core.v1.EnvVar env = 7;
  optional .core.v1.ResourceRequirements resources = 8;
  repeated .core.v1.ContainerResizePolicy resizePolicy = 23;
  optional string restartPolicy = 24 [(go) = "ptr"];
  repeated .core.v1.ContainerRestartRule restartPolicyRules = 25;
  repeated .core.v1.VolumeMount volumeMounts = 9;
  repeated .core.v1.VolumeDevice volumeDevices = 21;
  optional .core.v1.Probe livenessProbe = 10 [(go) = "ptr"];
  optional .core.v1.Probe readinessProbe = 11 [(go) = "ptr"];
  optional .core.v1.Probe startupProbe = 22 [(go) = "ptr"];
  optional .core.v1.Lifecycle lifecycle = 12 [(go) = "ptr"];
  optional string terminationMessagePath = 13;
  optional string terminationMessagePolicy = 20;
  optional string imagePullPolicy = 14;
  optional .core.v1.SecurityContext securityContext = 15 [(go) = "ptr"];
  optional bool stdin = 16;
  optional bool stdinOnce = 17;
  optional bool tty = 18;
}
message ContainerExtendedResourceRequest {
  optional string containerName = 1 [(json) = "always"];
  optional string resourceName = 2 [(json) = "always"];
  optional string requestName = 3 [(json) = "always"];
}
message ContainerImage {
  repeated string names = 1 [(json) = "always"];
  optional int64 sizeBytes = 2;
}
message ContainerPort {
  optional string name = 1;
  optional int32 hostPort = 2;
  optional int32 containerPort = 3 [(json) = "always"];
  optional string protocol = 4;
  optional string hostIP = 5;
}
message ContainerResizePolicy {
  optional string resourceName = 1 [(json) = "always"];
  optional string restartPolicy = 2 [(json) = "always"];
}
message ContainerRestartRule {
  optional string action = 1;
  optional .core.v1.ContainerRestartRuleOnExitCodes exitCodes = 2 [(go) = "ptr"];
}
message ContainerRestartRuleOnExitCodes {
  optional string operator = 1;
  repeated int32 values = 2;
}
message ContainerState {
  optional .core.v1.ContainerStateWaiting waiting = 1 [(go) = "ptr"];
  optional .core.v1.ContainerStateRunning running = 2 [(go) = "ptr"];
  optional .core.v1.ContainerStateTerminated terminated = 3 [(go) = "ptr"];
}
message ContainerStateRunning {
  optional .meta.v1.Time startedAt = 1;
}
message ContainerStateTerminated {
  optional int32 exitCode = 1 [(json) = "always"];
  optional int32 signal = 2;
  optional string reason = 3;
  optional string message = 4;
  optional .meta.v1.Time startedAt = 5;
  optional .meta.v1.Time finishedAt = 6;
  optional string containerID = 7;
}
message ContainerStateWaiting {
  optional string reason = 1;
  optional string message = 2;
}
message ContainerStatus {
  optional string name = 1 [(json) = "always"];
  optional .core.v1.ContainerState state = 2;
  optional .core.v1.ContainerState lastState = 3;
  optional bool ready = 4 [(json) = "always"];
  optional int32 restartCount = 5 [(json) = "always"];
  optional string image = 6 [(json) = "always"];
  optional string imageID = 7 [(json) = "always"];
  optional string containerID = 8;
  optional bool started = 9 [(go) = "ptr"];
  map<string, .resource.Quantity> allocatedResources = 10;
  optional .core.v1.ResourceRequirements resources = 11 [(go) = "ptr"];
  repeated .core.v1.VolumeMountStatus volumeMounts = 12;
  optional .core.v1.ContainerUser user = 13 [(go) = "ptr"];
  repeated .core.v1.ResourceStatus allocatedResourcesStatus = 14;
  optional string stopSignal = 15 [(go) = "ptr"];
}
message ContainerUser {
  optional .core.v1.LinuxContainerUser linux = 1 [(go) = "ptr"];
}
message DaemonEndpoint {
  optional int32 Port = 1 [(json) = "always"];
}
message DownwardAPIProjection {
  repeated .core.v1.DownwardAPIVolumeFile items = 1;
}
message DownwardAPIVolumeFile {
  optional string path = 1 [(json) = "always"];
  optional .core.v1.ObjectFieldSelector fieldRef = 2 [(go) = "ptr"];
  optional .core.v1.ResourceFieldSelector resourceFieldRef = 3 [(go) = "ptr"];
  optional int32 mode = 4 [(go) = "ptr"];
}
message DownwardAPIVolumeSource {
  repeated .core.v1.DownwardAPIVolumeFile items = 1;
  optional int32 defaultMode = 2 [(go) = "ptr"];
}
message EmptyDirVolumeSource {
  optional string medium = 1;
  optional .resource.Quantity sizeLimit = 2 [(go) = "ptr"];
}
message EnvFromSource {
  optional string prefix = 1;
  optional .core.v1.ConfigMapEnvSource configMapRef = 2 [(go) = "ptr"];
  optional .core.v1.SecretEnvSource secretRef = 3 [(go) = "ptr"];
}
message EnvVar {
  optional string name = 1 [(json) = "always"];
  optional string value = 2;
  optional .core.v1.EnvVarSource valueFrom = 3 [(go) = "ptr"];
}
message EnvVarSource {
  optional .core.v1.ObjectFieldSelector fieldRef = 1 [(go) = "ptr"];
  optional .core.v1.ResourceFieldSelector resourceFieldRef = 2 [(go) = "ptr"];
  optional .core.v1.ConfigMapKeySelector configMapKeyRef = 3 [(go) = "ptr"];
  optional .core.v1.SecretKeySelector secretKeyRef = 4 [(go) = "ptr"];
  optional .core.v1.FileKeySelector fileKeyRef = 5 [(go) = "ptr"];
}
message EphemeralContainer {
  optional .core.v1.EphemeralContainerCommon ephemeralContainerCommon = 1 [(json) = "inline"];
  optional string targetContainerName = 2;
}
message EphemeralContainerCommon {
  optional string name = 1 [(json) = "always"];
  optional string image = 2;
  repeated string command = 3;
  repeated string args = 4;
  optional string workingDir = 5;
  repeated .core.v1.ContainerPort ports = 6;
  repeated .core.v1.EnvFromSource envFrom = 19;
  repeated .core.v1.EnvVar env = 7;
  optional .core.v1.ResourceRequirements resources = 8;
  repeated .core.v1.ContainerResizePolicy resizePolicy = 23;
  optional string restartPolicy = 24 [(go) = "ptr"];
  repeated .core.v1.ContainerRestartRule restartPolicyRules = 25;
  repeated .core.v1.VolumeMount volumeMounts = 9;
  repeated .core.v1.VolumeDevice volumeDevices = 21;
  optional .core.v1.Probe livenessProbe = 10 [(go) = "ptr"];
  optional .core.v1.Probe readinessProbe = 11 [(go) = "ptr"];
  optional .core.v1.Probe startupProbe = 22 [(go) = "ptr"];
  optional .core.v1.Lifecycle lifecycle = 12 [(go) = "ptr"];
  optional string terminationMessagePath = 13;
  optional string terminationMessagePolicy = 20;
  optional string imagePullPolicy = 14;
  optional .core.v1.SecurityContext securityContext = 15 [(go) = "ptr"];
  optional bool stdin = 16;
  optional bool stdinOnce = 17;
  optional bool tty = 18;
}
message EphemeralVolumeSource {
  optional .core.v1.PersistentVolumeClaimTemplate volumeClaimTemplate = 1 [(go) = "ptr"];
}
message Event {
  optional .meta.v1.ObjectMeta metadata = 1 [(json) = "always"];
  optional .core.v1.ObjectReference involvedObject = 2 [(json) = "always"];
  optional string reason = 3;
  optional string message = 4;
  optional .core.v1.EventSource source = 5;
  optional .meta.v1.Time firstTimestamp = 6;
  optional .meta.v1.Time lastTimestamp = 7;
  optional int32 count = 8;
  optional string type = 9;
  optional .meta.v1.MicroTime eventTime = 10;
  optional .core.v1.EventSeries series = 11 [(go) = "ptr"];
  optional string action = 12;
  optional .core.v1.ObjectReference related = 13 [(go) = "ptr"];
  optional string reportingComponent = 14 [(json) = "always"];
  optional string reportingInstance = 15 [(json) = "always"];
}
message EventSeries {
  optional int32 count = 1;
  optional .meta.v1.MicroTime lastObservedTime = 2;
}
message EventSource {
  optional string component = 1;
  optional string host = 2;
}
message ExecAction {
  repeated string command = 1;
}
message FCVolumeSource {
  repeated string targetWWNs = 1;
  optional int32 lun = 2 [(go) = "ptr"];
  optional string fsType = 3;
  optional bool readOnly = 4;
  repeated string wwids = 5;
}
message FileKeySelector {
  optional string volumeName = 1 [(json) = "always"];
  optional string path = 2 [(json) = "always"];
  optional string key = 3 [(json) = "always"];
  optional bool optional = 4 [(go) = "ptr"];
}
message FlexVolumeSource {
  optional string driver = 1 [(json) = "always"];
  optional string fsType = 2;
  optional .core.v1.LocalObjectReference secretRef = 3 [(go) = "ptr"];
  optional bool readOnly = 4;
  map<string, string> options = 5;
}
message FlockerVolumeSource {
  optional string datasetName = 1;
  optional string datasetUUID = 2;
}
message GCEPersistentDiskVolumeSource {
  optional string pdName = 1 [(json) = "always"];
  optional string fsType = 2;
  optional int32 partition = 3;
  optional bool readOnly = 4;
}
message GRPCAction {
  optional int32 port = 1 [(json) = "always"];
  optional string service = 2 [(go) = "ptr", (json) = "always"];
}
message GitRepoVolumeSource {
  optional string repository = 1 [(json) = "always"];
  optional string revision = 2;
  optional string directory = 3;
}
message GlusterfsVolumeSource {
  optional string endpoints = 1 [(json) = "always"];
  optional string path = 2 [(json) = "always"];
  optional bool readOnly = 3;
}
message HTTPGetAction {
  optional string path = 1;
  optional .intstr.IntOrString port = 2 [(json) = "always"];
  optional string host = 3;
  optional string scheme = 4;
  repeated .core.v1.HTTPHeader httpHeaders = 5;
}
message HTTPHeader {
  optional string name = 1 [(json) = "always"];
  optional string value = 2 [(json) = "always"];
}
message HostAlias {
  optional string ip = 1 [(json) = "always"];
  repeated string hostnames = 2;
}
message HostIP {
  optional string ip = 1 [(json) = "always"];
}
message HostPathVolumeSource {
  optional string path = 1 [(json) = "always"];
  optional string type = 2 [(go) = "ptr"];
}
message ISCSIVolumeSource {
  optional string targetPortal = 1 [(json) = "always"];
  optional string iqn = 2 [(json) = "always"];
  optional int32 lun = 3 [(json) = "always"];
  optional string iscsiInterface = 4;
  optional string fsType = 5;
  optional bool readOnly = 6;
  repeated string portals = 7;
  optional bool chapAuthDiscovery = 8;
  optional bool chapAuthSession = 11;
  optional .core.v1.LocalObjectReference secretRef = 10 [(go) = "ptr"];
  optional string initiatorName = 12 [(go) = "ptr"];
}
message ImageVolumeSource {
  optional string reference = 1;
  optional string pullPolicy = 2;
}
message KeyToPath {
  optional string key = 1 [(json) = "always"];
  optional string path = 2 [(json) = "always"];
  optional int32 mode = 3 [(go) = "ptr"];
}
message Lifecycle {
  optional .core.v1.LifecycleHandler postStart = 1 [(go) = "ptr"];
  optional .core.v1.LifecycleHandler preStop = 2 [(go) = "ptr"];
  optional string stopSignal = 3 [(go) = "ptr"];
}
message LifecycleHandler {
  optional .core.v1.ExecAction exec = 1 [(go) = "ptr"];
  optional .core.v1.HTTPGetAction httpGet = 2 [(go) = "ptr"];
  optional .core.v1.TCPSocketAction tcpSocket = 3 [(go) = "ptr"];
  optional .core.v1.SleepAction sleep = 4 [(go) = "ptr"];
}
message LinuxContainerUser {
  optional int64 uid = 1 [(json) = "always"];
  optional int64 gid = 2 [(json) = "always"];
  repeated int64 supplementalGroups = 3;
}
message LoadBalancerIngress {
  optional string ip = 1;
  optional string hostname = 2;
  optional string ipMode = 3 [(go) = "ptr"];
  repeated .core.v1.PortStatus ports = 4;
}
message LoadBalancerStatus {
  repeated .core.v1.LoadBalancerIngress ingress = 1;
}
message LocalObjectReference {
  optional string name = 1;
}
message NFSVolumeSource {
  optional string server = 1 [(json) = "always"];
  optional string path = 2 [(json) = "always"];
  optional bool readOnly = 3;
}
message Namespace {
  optional .meta.v1.ObjectMeta metadata = 1;
  optional .core.v1.NamespaceSpec spec = 2;
  optional .core.v1.NamespaceStatus status = 3;
}
message NamespaceCondition {
  optional string type = 1 [(json) = "always"];
  optional string status = 2 [(json) = "always"];
  optional .meta.v1.Time lastTransitionTime = 4;
  optional string reason = 5;
  optional string message = 6;
}
message NamespaceSpec {
  repeated string finalizers = 1;
}
message NamespaceStatus {
  optional string phase = 1;
  repeated .core.v1.NamespaceCondition conditions = 2;
}
message Node {
  optional .meta.v1.ObjectMeta metadata = 1;
  optional .core.v1.NodeSpec spec = 2;
  optional .core.v1.NodeStatus status = 3;
}
message NodeAddress {
  optional string type = 1 [(json) = "always"];
  optional string address = 2 [(json) = "always"];
}
message NodeAffinity {
  optional .core.v1.NodeSelector requiredDuringSchedulingIgnoredDuringExecution = 1 [(go) = "ptr"];
  repeated .core.v1.PreferredSchedulingTerm preferredDuringSchedulingIgnoredDuringExecution = 2;
}
message NodeCondition {
  optional string type = 1 [(json) = "always"];
  optional string status = 2 [(json) = "always"];
  optional .meta.v1.Time lastHeartbeatTime = 3;
  optional .meta.v1.Time lastTransitionTime = 4;
  optional string reason = 5;
  optional string message = 6;
}
message NodeConfigSource {
  optional .core.v1.ConfigMapNodeConfigSource configMap = 2 [(go) = "ptr"];
}
message NodeConfigStatus {
  optional .core.v1.NodeConfigSource assigned = 1 [(go) = "ptr"];
  optional .core.v1.NodeConfigSource active = 2 [(go) = "ptr"];
  optional .core.v1.NodeConfigSource lastKnownGood = 3 [(go) = "ptr"];
  optional string error = 4;
}
message NodeDaemonEndpoints {
  optional .core.v1.DaemonEndpoint kubeletEndpoint = 1;
}
message NodeFeatures {
  optional bool supplementalGroupsPolicy = 1 [(go) = "ptr"];
}
message NodeRuntimeHandler {
  optional string name = 1 [(json) = "always"];
  optional .core.v1.NodeRuntimeHandlerFeatures features = 2 [(go) = "ptr"];
}
message NodeRuntimeHandlerFeatures {
  optional bool recursiveReadOnlyMounts = 1 [(go) = "ptr"];
  optional bool userNamespaces = 2 [(go) = "ptr"];
}
message NodeSelector {
  repeated .core.v1.NodeSelectorTerm nodeSelectorTerms = 1 [(json) = "always"];
}
message NodeSelectorRequirement {
  optional string key = 1 [(json) = "always"];
  optional string operator = 2 [(json) = "always"];
  repeated string values = 3;
}
message NodeSelectorTerm {
  repeated .core.v1.NodeSelectorRequirement matchExpressions = 1;
  repeated .core.v1.NodeSelectorRequirement matchFields = 2;
}
message NodeSpec {
  optional string podCIDR = 1;
  repeated string podCIDRs = 7;
  optional string providerID = 3;
  optional bool unschedulable = 4;
  repeated .core.v1.Taint taints = 5;
  optional .core.v1.NodeConfigSource configSource = 6 [(go) = "ptr"];
  optional string externalID = 2;
}
message NodeStatus {
  map<string, .resource.Quantity> capacity = 1;
  map<string, .resource.Quantity> allocatable = 2;
  optional string phase = 3;
  repeated .core.v1.NodeCondition conditions = 4;
  repeated .core.v1.NodeAddress addresses = 5;
  optional .core.v1.NodeDaemonEndpoints daemonEndpoints = 6;
  optional .core.v1.NodeSystemInfo nodeInfo = 7;
  repeated .core.v1.ContainerImage images = 8;
  repeated string volumesInUse = 9;
  repeated .core.v1.AttachedVolume volumesAttached = 10;
  optional .core.v1.NodeConfigStatus config = 11 [(go) = "ptr"];
  repeated .core.v1.NodeRuntimeHandler runtimeHandlers = 12;
  optional .core.v1.NodeFeatures features = 13 [(go) = "ptr"];
  repeated string declaredFeatures = 14;
}
message NodeSwapStatus {
  optional int64 capacity = 1 [(go) = "ptr"];
}
message NodeSystemInfo {
  optional string machineID = 1 [(json) = "always"];
  optional string systemUUID = 2 [(json) = "always"];
  optional string bootID = 3 [(json) = "always"];
  optional string kernelVersion = 4 [(json) = "always"];
  optional string osImage = 5 [(json) = "always"];
  optional string containerRuntimeVersion = 6 [(json) = "always"];
  optional string kubeletVersion = 7 [(json) = "always"];
  optional string kubeProxyVersion = 8 [(json) = "always"];
  optional string operatingSystem = 9 [(json) = "always"];
  optional string architecture = 10 [(json) = "always"];
  optional .core.v1.NodeSwapStatus swap = 11 [(go) = "ptr"];
}
message ObjectFieldSelector {
  optional string apiVersion = 1;
  optional string fieldPath = 2 [(json) = "always"];
}
message ObjectReference {
  optional string kind = 1;
  optional string namespace = 2;
  optional string name = 3;
  optional string uid = 4;
  optional string apiVersion = 5;
  optional string resourceVersion = 6;
  optional string fieldPath = 7;
}
message PersistentVolumeClaimSpec {
  repeated string accessModes = 1;
  optional .meta.v1.LabelSelector selector = 4 [(go) = "ptr"];
  optional .core.v1.VolumeResourceRequirements resources = 2;
  optional string volumeName = 3;
  optional string storageClassName = 5 [(go) = "ptr"];
  optional string volumeMode = 6 [(go) = "ptr"];
  optional .core.v1.TypedLocalObjectReference dataSource = 7 [(go) = "ptr"];
  optional .core.v1.TypedObjectReference dataSourceRef = 8 [(go) = "ptr"];
  optional string volumeAttributesClassName = 9 [(go) = "ptr"];
}
message PersistentVolumeClaimTemplate {
  optional .meta.v1.ObjectMeta metadata = 1;
  optional .core.v1.PersistentVolumeClaimSpec spec = 2 [(json) = "always"];
}
message PersistentVolumeClaimVolumeSource {
  optional string claimName = 1 [(json) = "always"];
  optional bool readOnly = 2;
}
message PhotonPersistentDiskVolumeSource {
  optional string pdID = 1 [(json) = "always"];
  optional string fsType = 2;
}
message Pod {
  optional .meta.v1.ObjectMeta metadata = 1;
  optional .core.v1.PodSpec spec = 2;
  optional .core.v1.PodStatus status = 3;
}
message PodAffinity {
  repeated .core.v1.PodAffinityTerm requiredDuringSchedulingIgnoredDuringExecution = 1;
  repeated .core.v1.WeightedPodAffinityTerm preferredDuringSchedulingIgnoredDuringExecution = 2;
}
message PodAffinityTerm {
  optional .meta.v1.LabelSelector labelSelector = 1 [(go) = "ptr"];
  repeated string namespaces = 2;
  optional string topologyKey = 3 [(json) = "always"];
  optional .meta.v1.LabelSelector namespaceSelector = 4 [(go) = "ptr"];
  repeated string matchLabelKeys = 5;
  repeated string mismatchLabelKeys = 6;
}
message PodAntiAffinity {
  repeated .core.v1.PodAffinityTerm requiredDuringSchedulingIgnoredDuringExecution = 1;
  repeated .core.v1.WeightedPodAffinityTerm preferredDuringSchedulingIgnoredDuringExecution = 2;
}
message PodCertificateProjection {
  optional string signerName = 1;
  optional string keyType = 2;
  optional int32 maxExpirationSeconds = 3 [(go) = "ptr"];
  optional string credentialBundlePath = 4;
  optional string keyPath = 5;
  optional string certificateChainPath = 6;
  map<string, string> userAnnotations = 7;
}
message PodCondition {
  optional string type = 1 [(json) = "always"];
  optional int64 observedGeneration = 7;
  optional string status = 2 [(json) = "always"];
  optional .meta.v1.Time lastProbeTime = 3;
  optional .meta.v1.Time lastTransitionTime = 4;
  optional string reason = 5;
  optional string message = 6;
}
message PodDNSConfig {
  repeated string nameservers = 1;
  repeated string searches = 2;
  repeated .core.v1.PodDNSConfigOption options = 3;
}
message PodDNSConfigOption {
  optional string name = 1;
  optional string value = 2 [(go) = "ptr"];
}
message PodExtendedResourceClaimStatus {
  repeated .core.v1.ContainerExtendedResourceRequest requestMappings = 1 [(json) = "always"];
  optional string resourceClaimName = 2 [(json) = "always"];
}
message PodIP {
  optional string ip = 1 [(json) = "always"];
}
message PodOS {
  optional string name = 1 [(json) = "always"];
}
message PodReadinessGate {
  optional string conditionType = 1 [(json) = "always"];
}
message PodResourceClaim {
  optional string name = 1 [(json) = "always"];
  optional string resourceClaimName = 3 [(go) = "ptr"];
  optional string resourceClaimTemplateName = 4 [(go) = "ptr"];
}
message PodResourceClaimStatus {
  optional string name = 1 [(json) = "always"];
  optional string resourceClaimName = 2 [(go) = "ptr"];
}
message PodSchedulingGate {
  optional string name = 1 [(json) = "always"];
}
message PodSecurityContext {
  optional .core.v1.SELinuxOptions seLinuxOptions = 1 [(go) = "ptr"];
  optional .core.v1.WindowsSecurityContextOptions windowsOptions = 8 [(go) = "ptr"];
  optional int64 runAsUser = 2 [(go) = "ptr"];
  optional int64 runAsGroup = 6 [(go) = "ptr"];
  optional bool runAsNonRoot = 3 [(go) = "ptr"];
  repeated int64 supplementalGroups = 4;
  optional string supplementalGroupsPolicy = 12 [(go) = "ptr"];
  optional int64 fsGroup = 5 [(go) = "ptr"];
  repeated .core.v1.Sysctl sysctls = 7;
  optional string fsGroupChangePolicy = 9 [(go) = "ptr"];
  optional .core.v1.SeccompProfile seccompProfile = 10 [(go) = "ptr"];
  optional .core.v1.AppArmorProfile appArmorProfile = 11 [(go) = "ptr"];
  optional string seLinuxChangePolicy = 13 [(go) = "ptr"];
}
message PodSpec {
  repeated .core.v1.Volume volumes = 1;
  repeated .core.v1.Container initContainers = 20;
  repeated .core.v1.Container containers = 2 [(json) = "always"];
  repeated .core.v1.EphemeralContainer ephemeralContainers = 34;
  optional string restartPolicy = 3;
  optional int64 terminationGracePeriodSeconds = 4 [(go) = "ptr"];
  optional int64 activeDeadlineSeconds = 5 [(go) = "ptr"];
  optional string dnsPolicy = 6;
  map<string, string> nodeSelector = 7;
  optional string serviceAccountName = 8;
  optional string serviceAccount = 9;
  optional bool automountServiceAccountToken = 21 [(go) = "ptr"];
  optional string nodeName = 10;
  optional bool hostNetwork = 11;
  optional bool hostPID = 12;
  optional bool hostIPC = 13;
  optional bool shareProcessNamespace = 27 [(go) = "ptr"];
  optional .core.v1.PodSecurityContext securityContext = 14 [(go) = "ptr"];
  repeated .core.v1.LocalObjectReference imagePullSecrets = 15;
  optional string hostname = 16;
  optional string subdomain = 17;
  optional .core.v1.Affinity affinity = 18 [(go) = "ptr"];
  optional string schedulerName = 19;
  repeated .core.v1.Toleration tolerations = 22;
  repeated .core.v1.HostAlias hostAliases = 23;
  optional string priorityClassName = 24;
  optional int32 priority = 25 [(go) = "ptr"];
  optional .core.v1.PodDNSConfig dnsConfig = 26 [(go) = "ptr"];
  repeated .core.v1.PodReadinessGate readinessGates = 28;
  optional string runtimeClassName = 29 [(go) = "ptr"];
  optional bool enableServiceLinks = 30 [(go) = "ptr"];
  optional string preemptionPolicy = 31 [(go) = "ptr"];
  map<string, .resource.Quantity> overhead = 32;
  repeated .core.v1.TopologySpreadConstraint topologySpreadConstraints = 33;
  optional bool setHostnameAsFQDN = 35 [(go) = "ptr"];
  optional .core.v1.PodOS os = 36 [(go) = "ptr"];
  optional bool hostUsers = 37 [(go) = "ptr"];
  repeated .core.v1.PodSchedulingGate schedulingGates = 38;
  repeated .core.v1.PodResourceClaim resourceClaims = 39;
  optional .core.v1.ResourceRequirements resources = 40 [(go) = "ptr"];
  optional string hostnameOverride = 41 [(go) = "ptr"];
  optional .core.v1.WorkloadReference workloadRef = 42 [(go) = "ptr"];
}
message PodStatus {
  optional int64 observedGeneration = 17;
  optional string phase = 1;
  repeated .core.v1.PodCondition conditions = 2;
  optional string message = 3;
  optional string reason = 4;
  optional string nominatedNodeName = 11;
  optional string hostIP = 5;
  repeated .core.v1.HostIP hostIPs = 16;
  optional string podIP = 6;
  repeated .core.v1.PodIP podIPs = 12;
  optional .meta.v1.Time startTime = 7 [(go) = "ptr"];
  repeated .core.v1.ContainerStatus initContainerStatuses = 10;
  repeated .core.v1.ContainerStatus containerStatuses = 8;
  optional string qosClass = 9;
  repeated .core.v1.ContainerStatus ephemeralContainerStatuses = 13;
  optional string resize = 14;
  repeated .core.v1.PodResourceClaimStatus resourceClaimStatuses = 15;
  optional .core.v1.PodExtendedResourceClaimStatus extendedResourceClaimStatus = 18 [(go) = "ptr"];
  map<string, .resource.Quantity> allocatedResources = 19;
  optional .core.v1.ResourceRequirements resources = 20 [(go) = "ptr"];
}
message PodTemplateSpec {
  optional .meta.v1.ObjectMeta metadata = 1;
  optional .core.v1.PodSpec spec = 2;
}
message PortStatus {
  optional int32 port = 1 [(json) = "always"];
  optional string protocol = 2 [(json) = "always"];
  optional string error = 3 [(go) = "ptr"];
}
message PortworxVolumeSource {
  optional string volumeID = 1 [(json) = "always"];
  optional string fsType = 2;
  optional bool readOnly = 3;
}
message PreferredSchedulingTerm {
  optional int32 weight = 1 [(json) = "always"];
  optional .core.v1.NodeSelectorTerm preference = 2 [(json) = "always"];
}
message Probe {
  optional .core.v1.ProbeHandler handler = 1 [(json) = "inline"];
  optional int32 initialDelaySeconds = 2;
  optional int32 timeoutSeconds = 3;
  optional int32 periodSeconds = 4;
  optional int32 successThreshold = 5;
  optional int32 failureThreshold = 6;
  optional int64 terminationGracePeriodSeconds = 7 [(go) = "ptr"];
}
message ProbeHandler {
  optional .core.v1.ExecAction exec = 1 [(go) = "ptr"];
  optional .core.v1.HTTPGetAction httpGet = 2 [(go) = "ptr"];
  optional .core.v1.TCPSocketAction tcpSocket = 3 [(go) = "ptr"];
  optional .core.v1.GRPCAction grpc = 4 [(go) = "ptr"];
}
message ProjectedVolumeSource {
  repeated .core.v1.VolumeProjection sources = 1 [(json) = "always"];
  optional int32 defaultMode = 2 [(go) = "ptr"];
}
message QuobyteVolumeSource {
  optional string registry = 1 [(json) = "always"];
  optional string volume = 2 [(json) = "always"];
  optional bool readOnly = 3;
  optional string user = 4;
  optional string group = 5;
  optional string tenant = 6;
}
message RBDVolumeSource {
  repeated string monitors = 1 [(json) = "always"];
  optional string image = 2 [(json) = "always"];
  optional string fsType = 3;
  optional string pool = 4;
  optional string user = 5;
  optional string keyring = 6;
  optional .core.v1.LocalObjectReference secretRef = 7 [(go) = "ptr"];
  optional bool readOnly = 8;
}
message ResourceClaim {
  optional string name = 1 [(json) = "always"];
  optional string request = 2;
}
message ResourceFieldSelector {
  optional string containerName = 1;
  optional string resource = 2 [(json) = "always"];
  optional .resource.Quantity divisor = 3;
}
message ResourceHealth {
  optional string resourceID = 1 [(json) = "always"];
  optional string health = 2;
}
message ResourceQuota {
  optional .meta.v1.ObjectMeta metadata = 1;
  optional .core.v1.ResourceQuotaSpec spec = 2;
  optional .core.v1.ResourceQuotaStatus status = 3;
}
message ResourceQuotaSpec {
  map<string, .resource.Quantity> hard = 1;
  repeated string scopes = 2;
  optional .core.v1.ScopeSelector scopeSelector = 3 [(go) = "ptr"];
}
message ResourceQuotaStatus {
  map<string, .resource.Quantity> hard = 1;
  map<string, .resource.Quantity> used = 2;
}
message ResourceRequirements {
  map<string, .resource.Quantity> limits = 1;
  map<string, .resource.Quantity> requests = 2;
  repeated .core.v1.ResourceClaim claims = 3;
}
message ResourceStatus {
  optional string name = 1 [(json) = "always"];
  repeated .core.v1.ResourceHealth resources = 2;
}
message SELinuxOptions {
  optional string user = 1;
  optional string role = 2;
  optional string type = 3;
  optional string level = 4;
}
message ScaleIOVolumeSource {
  optional string gateway = 1 [(json) = "always"];
  optional string system = 2 [(json) = "always"];
  optional .core.v1.LocalObjectReference secretRef = 3 [(go) = "ptr", (json) = "always"];
  optional bool sslEnabled = 4;
  optional string protectionDomain = 5;
  optional string storagePool = 6;
  optional string storageMode = 7;
  optional string volumeName = 8;
  optional string fsType = 9;
  optional bool readOnly = 10;
}
message ScopeSelector {
  repeated .core.v1.ScopedResourceSelectorRequirement matchExpressions = 1;
}
message ScopedResourceSelectorRequirement {
  optional string scopeName = 1 [(json) = "always"];
  optional string operator = 2 [(json) = "always"];
  repeated string values = 3;
}
message SeccompProfile {
  optional string type = 1 [(json) = "always"];
  optional string localhostProfile = 2 [(go) = "ptr"];
}
message Secret {
  optional .meta.v1.ObjectMeta metadata = 1;
  optional bool immutable = 5 [(go) = "ptr"];
  map<string, bytes> data = 2;
  map<string, string> stringData = 4;
  optional string type = 3;
}
message SecretEnvSource {
  optional .core.v1.LocalObjectReference localObjectReference = 1 [(json) = "inline"];
  optional bool optional = 2 [(go) = "ptr"];
}
message SecretKeySelector {
  optional .core.v1.LocalObjectReference localObjectReference = 1 [(json) = "inline"];
  optional string key = 2 [(json) = "always"];
  optional bool optional = 3 [(go) = "ptr"];
}
message SecretProjection {
  optional .core.v1.LocalObjectReference localObjectReference = 1 [(json) = "inline"];
  repeated .core.v1.KeyToPath items = 2;
  optional bool optional = 4 [(go) = "ptr"];
}
message SecretVolumeSource {
  optional string secretName = 1;
  repeated .core.v1.KeyToPath items = 2;
  optional int32 defaultMode = 3 [(go) = "ptr"];
  optional bool optional = 4 [(go) = "ptr"];
}
message SecurityContext {
  optional .core.v1.Capabilities capabilities = 1 [(go) = "ptr"];
  optional bool privileged = 2 [(go) = "ptr"];
  optional .core.v1.SELinuxOptions seLinuxOptions = 3 [(go) = "ptr"];
  optional .core.v1.WindowsSecurityContextOptions windowsOptions = 10 [(go) = "ptr"];
  optional int64 runAsUser = 4 [(go) = "ptr"];
  optional int64 runAsGroup = 8 [(go) = "ptr"];
  optional bool runAsNonRoot = 5 [(go) = "ptr"];
  optional bool readOnlyRootFilesystem = 6 [(go) = "ptr"];
  optional bool allowPrivilegeEscalation = 7 [(go) = "ptr"];
  optional string procMount = 9 [(go) = "ptr"];
  optional .core.v1.SeccompProfile seccompProfile = 11 [(go) = "ptr"];
  optional .core.v1.AppArmorProfile appArmorProfile = 12 [(go) = "ptr"];
}
message Service {
  optional .meta.v1.ObjectMeta metadata = 1;
  optional .core.v1.ServiceSpec spec = 2;
  optional .core.v1.ServiceStatus status = 3;
}
message ServiceAccount {
  optional .meta.v1.ObjectMeta metadata = 1;
  repeated .core.v1.ObjectReference secrets = 2;
  repeated .core.v1.LocalObjectReference imagePullSecrets = 3;
  optional bool automountServiceAccountToken = 4 [(go) = "ptr"];
}
message ServiceAccountTokenProjection {
  optional string audience = 1;
  optional int64 expirationSeconds = 2 [(go) = "ptr"];
  optional string path = 3 [(json) = "always"];
}
message ServicePort {
  optional string name = 1;
  optional string protocol = 2;
  optional string appProtocol = 6 [(go) = "ptr"];
  optional int32 port = 3 [(json) = "always"];
  optional .intstr.IntOrString targetPort = 4;
  optional int32 nodePort = 5;
}
message ServiceSpec {
  repeated .core.v1.ServicePort ports = 1;
  map<string, string> selector = 2;
  optional string clusterIP = 3;
  repeated string clusterIPs = 18;
  optional string type = 4;
  repeated string externalIPs = 5;
  optional string sessionAffinity = 7;
  optional string loadBalancerIP = 8;
  repeated string loadBalancerSourceRanges = 9;
  optional string externalName = 10;
  optional string externalTrafficPolicy = 11;
  optional int32 healthCheckNodePort = 12;
  optional bool publishNotReadyAddresses = 13;
  optional .core.v1.SessionAffinityConfig sessionAffinityConfig = 14 [(go) = "ptr"];
  repeated string ipFamilies = 19;
  optional string ipFamilyPolicy = 17 [(go) = "ptr"];
  optional bool allocateLoadBalancerNodePorts = 20 [(go) = "ptr"];
  optional string loadBalancerClass = 21 [(go) = "ptr"];
  optional string internalTrafficPolicy = 22 [(go) = "ptr"];
  optional string trafficDistribution = 23 [(go) = "ptr"];
}
message ServiceStatus {
  optional .core.v1.LoadBalancerStatus loadBalancer = 1;
  repeated .meta.v1.Condition conditions = 2;
}
message SessionAffinityConfig {
  optional .core.v1.ClientIPConfig clientIP = 1 [(go) = "ptr"];
}
message SleepAction {
  optional int64 seconds = 1 [(json) = "always"];
}
message StorageOSVolumeSource {
  optional string volumeName = 1;
  optional string volumeNamespace = 2;
  optional string fsType = 3;
  optional bool readOnly = 4;
  optional .core.v1.LocalObjectReference secretRef = 5 [(go) = "ptr"];
}
message Sysctl {
  optional string name = 1 [(json) = "always"];
  optional string value = 2 [(json) = "always"];
}
message TCPSocketAction {
  optional .intstr.IntOrString port = 1 [(json) = "always"];
  optional string host = 2;
}
message Taint {
  optional string key = 1 [(json) = "always"];
  optional string value = 2;
  optional string effect = 3 [(json) = "always"];
  optional .meta.v1.Time timeAdded = 4 [(go) = "ptr"];
}
message Toleration {
  optional string key = 1;
  optional string operator = 2;
  optional string value = 3;
  optional string effect = 4;
  optional int64 tolerationSeconds = 5 [(go) = "ptr"];
}
message TopologySpreadConstraint {
  optional int32 maxSkew = 1 [(json) = "always"];
  optional string topologyKey = 2 [(json) = "always"];
  optional string whenUnsatisfiable = 3 [(json) = "always"];
  optional .meta.v1.LabelSelector labelSelector = 4 [(go) = "ptr"];
  optional int32 minDomains = 5 [(go) = "ptr"];
  optional string nodeAffinityPolicy = 6 [(go) = "ptr"];
  optional string nodeTaintsPolicy = 7 [(go) = "ptr"];
  repeated string matchLabelKeys = 8;
}
message TypedLocalObjectReference {
  optional string apiGroup = 1 [(go) = "ptr", (json) = "always"];
  optional string kind = 2 [(json) = "always"];
  optional string name = 3 [(json) = "always"];
}
message TypedObjectReference {
  optional string apiGroup = 1 [(go) = "ptr", (json) = "always"];
  optional string kind = 2 [(json) = "always"];
  optional string name = 3 [(json) = "always"];
  optional string namespace = 4 [(go) = "ptr"];
}
message Volume {
  optional string name = 1 [(json) = "always"];
  optional .core.v1.VolumeSource volumeSource = 2 [(json) = "inline"];
}
message VolumeDevice {
  optional string name = 1 [(json) = "always"];
  optional string devicePath = 2 [(json) = "always"];
}
message VolumeMount {
  optional string name = 1 [(json) = "always"];
  optional bool readOnly = 2;
  optional string recursiveReadOnly = 7 [(go) = "ptr"];
  optional string mountPath = 3 [(json) = "always"];
  optional string subPath = 4;
  optional string mountPropagation = 5 [(go) = "ptr"];
  optional string subPathExpr = 6;
}
message VolumeMountStatus {
  optional string name = 1 [(json) = "always"];
  optional string mountPath = 2 [(json) = "always"];
  optional bool readOnly = 3;
  optional string recursiveReadOnly = 4 [(go) = "ptr"];
}
message VolumeProjection {
  optional .core.v1.SecretProjection secret = 1 [(go) = "ptr"];
  optional .core.v1.DownwardAPIProjection downwardAPI = 2 [(go) = "ptr"];
  optional .core.v1.ConfigMapProjection configMap = 3 [(go) = "ptr"];
  optional .core.v1.ServiceAccountTokenProjection serviceAccountToken = 4 [(go) = "ptr"];
  optional .core.v1.ClusterTrustBundleProjection clusterTrustBundle = 5 [(go) = "ptr"];
  optional .core.v1.PodCertificateProjection podCertificate = 6 [(go) = "ptr"];
}
message VolumeResourceRequirements {
  map<string, .resource.Quantity> limits = 1;
  map<string, .resource.Quantity> requests = 2;
}
message VolumeSource {
  optional .core.v1.HostPathVolumeSource hostPath = 1 [(go) = "ptr"];
  optional .core.v1.EmptyDirVolumeSource emptyDir = 2 [(go) = "ptr"];
  optional .core.v1.GCEPersistentDiskVolumeSource gcePersistentDisk = 3 [(go) = "ptr"];
  optional .core.v1.AWSElasticBlockStoreVolumeSource awsElasticBlockStore = 4 [(go) = "ptr"];
  optional .core.v1.GitRepoVolumeSource gitRepo = 5 [(go) = "ptr"];
  optional .core.v1.SecretVolumeSource secret = 6 [(go) = "ptr"];
  optional .core.v1.NFSVolumeSource nfs = 7 [(go) = "ptr"];
  optional .core.v1.ISCSIVolumeSource iscsi = 8 [(go) = "ptr"];
  optional .core.v1.GlusterfsVolumeSource glusterfs = 9 [(go) = "ptr"];
  optional .core.v1.PersistentVolumeClaimVolumeSource persistentVolumeClaim = 10 [(go) = "ptr"];
  optional .core.v1.RBDVolumeSource rbd = 11 [(go) = "ptr"];
  optional .core.v1.FlexVolumeSource flexVolume = 12 [(go) = "ptr"];
  optional .core.v1.CinderVolumeSource cinder = 13 [(go) = "ptr"];
  optional .core.v1.CephFSVolumeSource cephfs = 14 [(go) = "ptr"];
  optional .core.v1.FlockerVolumeSource flocker = 15 [(go) = "ptr"];
  optional .core.v1.DownwardAPIVolumeSource downwardAPI = 16 [(go) = "ptr"];
  optional .core.v1.FCVolumeSource fc = 17 [(go) = "ptr"];
  optional .core.v1.AzureFileVolumeSource azureFile = 18 [(go) = "ptr"];
  optional .core.v1.ConfigMapVolumeSource configMap = 19 [(go) = "ptr"];
  optional .core.v1.VsphereVirtualDiskVolumeSource vsphereVolume = 20 [(go) = "ptr"];
  optional .core.v1.QuobyteVolumeSource quobyte = 21 [(go) = "ptr"];
  optional .core.v1.AzureDiskVolumeSource azureDisk = 22 [(go) = "ptr"];
  optional .core.v1.PhotonPersistentDiskVolumeSource photonPersistentDisk = 23 [(go) = "ptr"];
  optional .core.v1.ProjectedVolumeSource projected = 26 [(go) = "ptr"];
  optional .core.v1.PortworxVolumeSource portworxVolume = 24 [(go) = "ptr"];
  optional .core.v1.ScaleIOVolumeSource scaleIO = 25 [(go) = "ptr"];
  optional .core.v1.StorageOSVolumeSource storageos = 27 [(go) = "ptr"];
  optional .core.v1.CSIVolumeSource csi = 28 [(go) = "ptr"];
  optional .core.v1.EphemeralVolumeSource ephemeral = 29 [(go) = "ptr"];
  optional .core.v1.ImageVolumeSource image = 30 [(go) = "ptr"];
}
message VsphereVirtualDiskVolumeSource {
  optional string volumePath = 1 [(json) = "always"];
  optional string fsType = 2;
  optional string storagePolicyName = 3;
  optional string storagePolicyID = 4;
}
message WeightedPodAffinityTerm {
  optional int32 weight = 1 [(json) = "always"];
  optional .core.v1.PodAffinityTerm podAffinityTerm = 2 [(json) = "always"];
}
message WindowsSecurityContextOptions {
  optional string gmsaCredentialSpecName = 1 [(go) = "ptr"];
  optional string gmsaCredentialSpec = 2 [(go) = "ptr"];
  optional string runAsUserName = 3 [(go) = "ptr"];
  optional bool hostProcess = 4 [(go) = "ptr"];
}
message WorkloadReference {
  optional string name = 1 [(json) = "always"];
  optional string podGroup = 2 [(json) = "always"];
  optional string podGroupReplicaKey = 3;
}
`;
