// networking.v1 messages kauth reads from protobuf request bodies (`kubectl create ingress`) and publishes as schemas: Kubernetes v1.35
// field numbers and names (k8s.io/api/networking/v1), each message complete, with its Go JSON semantics as
// options (vocabulary in README.md).
export const NETWORKING_V1 = `
syntax = "proto2";
package networking.v1;

message HTTPIngressPath {
  optional string path = 1;
  optional string pathType = 3 [(go) = "ptr", (json) = "always"];
  optional .networking.v1.IngressBackend backend = 2 [(json) = "always"];
}
message HTTPIngressRuleValue {
  repeated .networking.v1.HTTPIngressPath paths = 1 [(json) = "always"];
}
message Ingress {
  optional .meta.v1.ObjectMeta metadata = 1;
  optional .networking.v1.IngressSpec spec = 2;
  optional .networking.v1.IngressStatus status = 3;
}
message IngressBackend {
  optional .networking.v1.IngressServiceBackend service = 4 [(go) = "ptr"];
  optional .core.v1.TypedLocalObjectReference resource = 3 [(go) = "ptr"];
}
message IngressLoadBalancerIngress {
  optional string ip = 1;
  optional string hostname = 2;
  repeated .networking.v1.IngressPortStatus ports = 4;
}
message IngressLoadBalancerStatus {
  repeated .networking.v1.IngressLoadBalancerIngress ingress = 1;
}
message IngressPortStatus {
  optional int32 port = 1 [(json) = "always"];
  optional string protocol = 2 [(json) = "always"];
  optional string error = 3 [(go) = "ptr"];
}
message IngressRule {
  optional string host = 1;
  optional .networking.v1.IngressRuleValue ingressRuleValue = 2 [(json) = "inline"];
}
message IngressRuleValue {
  optional .networking.v1.HTTPIngressRuleValue http = 1 [(go) = "ptr"];
}
message IngressServiceBackend {
  optional string name = 1 [(json) = "always"];
  optional .networking.v1.ServiceBackendPort port = 2;
}
message IngressSpec {
  optional string ingressClassName = 4 [(go) = "ptr"];
  optional .networking.v1.IngressBackend defaultBackend = 1 [(go) = "ptr"];
  repeated .networking.v1.IngressTLS tls = 2;
  repeated .networking.v1.IngressRule rules = 3;
}
message IngressStatus {
  optional .networking.v1.IngressLoadBalancerStatus loadBalancer = 1;
}
message IngressTLS {
  repeated string hosts = 1;
  optional string secretName = 2;
}
message IPBlock {
  optional string cidr = 1 [(json) = "always"];
  repeated string except = 2;
}
message NetworkPolicy {
  optional .meta.v1.ObjectMeta metadata = 1;
  optional .networking.v1.NetworkPolicySpec spec = 2;
}
message NetworkPolicyEgressRule {
  repeated .networking.v1.NetworkPolicyPort ports = 1;
  repeated .networking.v1.NetworkPolicyPeer to = 2;
}
message NetworkPolicyIngressRule {
  repeated .networking.v1.NetworkPolicyPort ports = 1;
  repeated .networking.v1.NetworkPolicyPeer from = 2;
}
message NetworkPolicyPeer {
  optional .meta.v1.LabelSelector podSelector = 1 [(go) = "ptr"];
  optional .meta.v1.LabelSelector namespaceSelector = 2 [(go) = "ptr"];
  optional .networking.v1.IPBlock ipBlock = 3 [(go) = "ptr"];
}
message NetworkPolicyPort {
  optional string protocol = 1 [(go) = "ptr"];
  optional .intstr.IntOrString port = 2 [(go) = "ptr"];
  optional int32 endPort = 3 [(go) = "ptr"];
}
message NetworkPolicySpec {
  optional .meta.v1.LabelSelector podSelector = 1;
  repeated .networking.v1.NetworkPolicyIngressRule ingress = 2;
  repeated .networking.v1.NetworkPolicyEgressRule egress = 3;
  repeated string policyTypes = 4;
}
message ServiceBackendPort {
  optional string name = 1;
  optional int32 number = 2;
}
`;
