// CIS Kubernetes Benchmark v1.10 (kube-bench's cis-1.10): the node sections and the policies section.
import type { Control } from '../../types.js';
import { controlPlaneComponents } from './control-plane-components.js';
import { etcd } from './etcd.js';
import { controlPlaneConfiguration } from './control-plane-configuration.js';
import { workerNode } from './worker-node.js';
import { policies } from './policies.js';

export const VERSION = 'cis-1.10';
/**
 * What `audit node` runs, in this order: the worker node section (every kubeadm node runs a kubelet), then the
 * control-plane sections where there are static pod manifests — as `kube-bench run --targets node,master,etcd,controlplane`.
 */
export const NODE_CONTROLS: readonly Control[] = [workerNode, controlPlaneComponents, etcd, controlPlaneConfiguration];
export const POLICY_CONTROL: Control = policies;
