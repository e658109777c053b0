// Reads what the node checks look at, from a kubeadm tree under `root`: static pod manifests (command flags),
// the kubelet's flags (systemd drop-in, kubeadm-flags.env, /etc/default/kubelet) and its config file. On a live
// node (root `/`) the flags of running processes are read too, as kube-bench's `ps -ef` does; they win over files.
// Every problem (missing, unreadable, malformed file) becomes a `problems` entry naming the file — never a throw.
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Component } from './types.js';

export const MANIFESTS = 'etc/kubernetes/manifests';
export const KUBELET_DROP_IN = 'etc/systemd/system/kubelet.service.d/10-kubeadm.conf';
export const KUBEADM_FLAGS_ENV = 'var/lib/kubelet/kubeadm-flags.env';
export const KUBELET_DEFAULTS = 'etc/default/kubelet';
export const KUBELET_CONFIG = 'var/lib/kubelet/config.yaml';
/** kubeadm runs kube-proxy as a DaemonSet; its config is this file inside the pod (from the kube-proxy ConfigMap). */
export const KUBE_PROXY_CONFIG = 'var/lib/kube-proxy/config.conf';

/** flag name (with `--`) → value; a bare `--flag` is "true". Later occurrences win, as with Go's flag package. */
export type Flags = Map<string, string>;

export interface ComponentFacts {
  /** Where the flags came from (manifest path, drop-in, process id). */
  origin: string;
  flags: Flags;
  /** Parsed config file (kubelet `--config`), when there is one. */
  config?: unknown;
  configPath?: string;
}

export interface NodeFacts {
  root: string;
  components: Partial<Record<Component, ComponentFacts>>;
  /** file (root-relative) → what was wrong with it. */
  problems: Map<string, string>;
}

const STATIC_PODS: Partial<Record<Component, string>> = {
  'kube-apiserver': 'kube-apiserver.yaml',
  'kube-controller-manager': 'kube-controller-manager.yaml',
  'kube-scheduler': 'kube-scheduler.yaml',
  etcd: 'etcd.yaml',
};

export function parseFlags(args: readonly string[]): Flags {
  const flags: Flags = new Map();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    if (eq > 0) flags.set(a.slice(0, eq), a.slice(eq + 1));
    else if (i + 1 < args.length && !args[i + 1]!.startsWith('-')) flags.set(a, args[++i]!);
    else flags.set(a, 'true');
  }
  return flags;
}

/** Splits a shell-like word list (double/single quotes, no expansion). */
export function splitWords(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  let has = false;
  for (const ch of s) {
    if (quote) {
      if (ch === quote) quote = '';
      else cur += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\n') {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
      continue;
    }
    cur += ch;
  }
  if (has || cur) out.push(cur);
  return out;
}

function readText(root: string, rel: string, problems: Map<string, string>, optional = false): string | undefined {
  try {
    return readFileSync(join(root, rel), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && optional) return undefined;
    problems.set(
      rel,
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EACCES'
          ? 'permission denied'
          : `cannot read (${code ?? 'error'})`,
    );
    return undefined;
  }
}

function readYaml(rel: string, text: string, problems: Map<string, string>): unknown {
  try {
    return parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    problems.set(rel, `malformed YAML: ${(e as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

/** The container command of a static pod manifest, flags parsed. */
function readStaticPod(root: string, rel: string, problems: Map<string, string>): Flags | undefined {
  const text = readText(root, rel, problems);
  if (text === undefined) return undefined;
  const pod = readYaml(rel, text, problems) as
    | { spec?: { containers?: { command?: unknown; args?: unknown }[] } }
    | undefined;
  const c = pod?.spec?.containers?.[0];
  if (!c || !Array.isArray(c.command)) {
    if (!problems.has(rel)) problems.set(rel, 'not a static pod manifest (no spec.containers[0].command)');
    return undefined;
  }
  const args = [...c.command, ...(Array.isArray(c.args) ? c.args : [])].map(String);
  return parseFlags(args);
}

/** KEY="value" lines (EnvironmentFile and kubeadm-flags.env syntax). */
export function parseEnvFile(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    env.set(line.slice(0, eq).trim(), splitWords(line.slice(eq + 1)).join(' '));
  }
  return env;
}

/** The kubelet's command line as systemd would build it from kubeadm's drop-in and its environment files. */
function readKubeletFlags(root: string, problems: Map<string, string>): Flags | undefined {
  const dropIn = readText(root, KUBELET_DROP_IN, problems, true);
  if (dropIn === undefined) return undefined;
  const env = new Map<string, string>();
  let exec = '';
  for (const raw of dropIn.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('Environment=')) {
      for (const [k, v] of parseEnvFile(splitWords(line.slice('Environment='.length)).join(' '))) env.set(k, v);
    } else if (line.startsWith('EnvironmentFile=')) {
      const file = line.slice('EnvironmentFile='.length).replace(/^-/, '').replace(/^\//, '');
      const text = readText(root, file, problems, true);
      if (text !== undefined) for (const [k, v] of parseEnvFile(text)) env.set(k, v);
    } else if (line.startsWith('ExecStart=') && line.length > 'ExecStart='.length) {
      exec = line.slice('ExecStart='.length);
    }
  }
  const expanded = exec.replace(/\$\{?([A-Z_]+)\}?/g, (_, k: string) => env.get(k) ?? '');
  return parseFlags(splitWords(expanded));
}

/** Running processes' flags (Linux /proc), for a live node. */
function readProcesses(): Partial<Record<Component, ComponentFacts>> {
  const found: Partial<Record<Component, ComponentFacts>> = {};
  const names = new Set<string>([
    'kube-apiserver',
    'kube-controller-manager',
    'kube-scheduler',
    'etcd',
    'kubelet',
    'kube-proxy',
  ]);
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return found;
  }
  for (const pid of pids) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      continue;
    }
    const bin = argv[0] ? basename(argv[0]) : '';
    if (names.has(bin)) found[bin as Component] = { origin: `process ${pid}`, flags: parseFlags(argv.slice(1)) };
  }
  return found;
}

export function getPath(obj: unknown, dotted: string): unknown {
  let cur: unknown = obj;
  for (const key of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

export function readNode(root: string, opts: { live?: boolean } = {}): NodeFacts {
  const problems = new Map<string, string>();
  const components: NodeFacts['components'] = {};
  for (const [component, file] of Object.entries(STATIC_PODS)) {
    const rel = `${MANIFESTS}/${file}`;
    const flags = readStaticPod(root, rel, problems);
    if (flags) components[component as Component] = { origin: rel, flags };
  }
  const kubeletFlags = readKubeletFlags(root, problems);
  if (kubeletFlags) components.kubelet = { origin: KUBELET_DROP_IN, flags: kubeletFlags };
  if (opts.live) Object.assign(components, readProcesses());
  const kubelet = components.kubelet;
  const configRel = (kubelet?.flags.get('--config') ?? `/${KUBELET_CONFIG}`).replace(/^\//, '');
  const configText = readText(root, configRel, problems, !kubelet);
  if (configText !== undefined) {
    const config = readYaml(configRel, configText, problems);
    if (config !== undefined && (config === null || typeof config !== 'object'))
      problems.set(configRel, 'malformed: not a KubeletConfiguration object');
    else if (config !== undefined)
      components.kubelet = {
        origin: kubelet?.origin ?? configRel,
        flags: kubelet?.flags ?? new Map(),
        config,
        configPath: configRel,
      };
  }
  const proxyText = components['kube-proxy'] ? undefined : readText(root, KUBE_PROXY_CONFIG, problems, true);
  if (proxyText !== undefined) {
    const config = readYaml(KUBE_PROXY_CONFIG, proxyText, problems);
    if (config && typeof config === 'object')
      components['kube-proxy'] = { origin: KUBE_PROXY_CONFIG, flags: new Map(), config, configPath: KUBE_PROXY_CONFIG };
  }
  return { root, components, problems };
}
