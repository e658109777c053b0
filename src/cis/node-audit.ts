// `audit node`: read the tree, pick the controls that apply (the control-plane sections only where there are
// static pod manifests, as kube-bench runs master checks only on masters), run them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_CONTROLS, VERSION } from './benchmarks/cis-1.10/index.js';
import { makeReport, runControl } from './evaluate.js';
import { MANIFESTS, readNode, type NodeFacts } from './node-reader.js';
import type { Report } from './types.js';
import { auditPki } from './pki-audit.js';

export interface NodeAudit {
  facts: NodeFacts;
  report: Report;
}

export function auditNode(root: string, opts: { live?: boolean } = {}): NodeAudit {
  const facts = readNode(root, opts);
  const controlPlane = existsSync(join(root, MANIFESTS));
  const controls = NODE_CONTROLS.filter((c) => controlPlane || c.nodeType === 'node');
  const results = controls.map((c) => runControl(c, VERSION, facts));
  const pki = auditPki(root);
  if (pki) results.push(pki);
  return { facts, report: makeReport(results) };
}
