// The RBAC graph of one identity: subject → binding → role → rules, drawn as SVG, from the RBAC objects listed
// through the API and resolved by the access engine (aggregated ClusterRoles included). Nodes are focusable:
// Tab walks them and focus highlights the node's edges; the same graph is also given as a nested list.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { PolicyRule, Subject } from '../../api/types.js';
import { RbacWorld, type RbacObject, type WorldBinding } from '../../access/world.js';
import { Busy, ErrorBox, Section } from '../components';
import { isServiceAccount, serviceAccountUser, type UserInfo } from '../identity';
import type { ViewProps } from '../main';
import { listRbacObjects } from '../rbac';

const MAX_RULES = 8;
const COL_X = [0, 260, 520, 780];
const NODE_W = 220;
const ROW_H = 34;
const NODE_H = 26;

interface Node {
  id: string;
  col: number;
  label: string;
  detail: string;
}
interface Edge {
  from: string;
  to: string;
}

function subjectKey(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `ServiceAccount:${s.namespace || bindingNamespace}/${s.name}`;
  return `${s.kind}:${s.name}`;
}

/** Does a binding subject stand for this identity (user name, one of its groups, or its service account)? */
function matches(s: Subject, bindingNamespace: string, who: UserInfo): boolean {
  if (s.kind === 'User') return s.name === who.username;
  if (s.kind === 'Group') return (who.groups ?? []).includes(s.name);
  const sa = isServiceAccount(who.username);
  return (
    s.kind === 'ServiceAccount' &&
    sa !== undefined &&
    sa.name === s.name &&
    sa.namespace === (s.namespace || bindingNamespace)
  );
}

/** The identity a subject key from the picker stands for. */
function identityOf(key: string, me: UserInfo): UserInfo {
  if (key === 'me') return me;
  const colon = key.indexOf(':');
  const kind = key.slice(0, colon);
  const rest = key.slice(colon + 1);
  if (kind === 'Group') return { username: '', groups: [rest] };
  if (kind === 'ServiceAccount') {
    const slash = rest.indexOf('/');
    return serviceAccountUser(rest.slice(0, slash), rest.slice(slash + 1));
  }
  return { username: rest, groups: [] };
}

function ruleText(r: PolicyRule): string {
  if (r.nonResourceURLs?.length) return `${r.verbs.join(',')} ${r.nonResourceURLs.join(',')}`;
  const groups = (r.apiGroups ?? []).map((g) => g || 'core').join(',');
  const names = r.resourceNames?.length ? ` [${r.resourceNames.join(',')}]` : '';
  return `${r.verbs.join(',')} ${(r.resources ?? []).join(',')} (${groups})${names}`;
}

function bindingLabel(b: WorldBinding): string {
  return `${b.kind === 'RoleBinding' ? `RB ${b.namespace}/` : 'CRB '}${b.name}`;
}

export function buildGraph(world: RbacWorld, who: UserInfo): { nodes: Node[]; edges: Edge[] } {
  const nodes = new Map<string, Node>();
  const edges: Edge[] = [];
  const add = (n: Node) => {
    if (!nodes.has(n.id)) nodes.set(n.id, n);
  };
  for (const b of world.bindings) {
    const subjects = b.subjects.filter((s) => matches(s, b.namespace, who));
    if (!subjects.length) continue;
    const bId = `b:${b.kind}:${b.namespace}/${b.name}`;
    add({
      id: bId,
      col: 1,
      label: bindingLabel(b),
      detail: `${b.kind} ${b.namespace ? `${b.namespace}/` : ''}${b.name}`,
    });
    for (const s of subjects) {
      const sId = `s:${subjectKey(s, b.namespace)}`;
      add({
        id: sId,
        col: 0,
        label: `${s.kind} ${s.name}`,
        detail: `${s.kind} ${subjectKey(s, b.namespace).slice(s.kind.length + 1)}`,
      });
      edges.push({ from: sId, to: bId });
    }
    const roleNs = b.roleRef.kind === 'Role' ? b.namespace : '';
    const rId = `r:${b.roleRef.kind}:${roleNs}/${b.roleRef.name}`;
    const resolved = world.bindingRules(b);
    add({
      id: rId,
      col: 2,
      label: `${b.roleRef.kind === 'Role' ? `Role ${roleNs}/` : 'CR '}${b.roleRef.name}`,
      detail: `${b.roleRef.kind} ${roleNs ? `${roleNs}/` : ''}${b.roleRef.name}${resolved.error ? ` (${resolved.error})` : ''}`,
    });
    edges.push({ from: bId, to: rId });
    const rules = resolved.rules ?? [];
    rules.slice(0, MAX_RULES).forEach((r, i) => {
      const id = `${rId}#${i}`;
      add({ id, col: 3, label: ruleText(r), detail: `rule: ${ruleText(r)}` });
      if (!edges.some((e) => e.from === rId && e.to === id)) edges.push({ from: rId, to: id });
    });
    if (rules.length > MAX_RULES) {
      const id = `${rId}#more`;
      add({
        id,
        col: 3,
        label: `+${rules.length - MAX_RULES} more rules`,
        detail: `${rules.length - MAX_RULES} more rules`,
      });
      if (!edges.some((e) => e.from === rId && e.to === id)) edges.push({ from: rId, to: id });
    }
  }
  return { nodes: [...nodes.values()], edges };
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function Graph({ nodes, edges, title }: { nodes: Node[]; edges: Edge[]; title: string }) {
  const [focused, setFocused] = useState<string>();
  const pos = new Map<string, { x: number; y: number }>();
  const rows = [0, 0, 0, 0];
  for (const n of nodes) pos.set(n.id, { x: COL_X[n.col]!, y: 30 + ROW_H * rows[n.col]!++ });
  const height = 40 + ROW_H * Math.max(1, ...rows);
  const near = (e: Edge) => focused !== undefined && (e.from === focused || e.to === focused);
  return (
    <div class="scroll graph">
      {/* biome-ignore lint/a11y/useSemanticElements: an SVG drawing has no <fieldset>; role=group names it for readers */}
      <svg viewBox={`0 0 ${COL_X[3]! + NODE_W} ${height}`} role="group" aria-label={title} data-testid="rbac-graph">
        {['Subjects', 'Bindings', 'Roles', 'Rules'].map((h, i) => (
          <text key={h} class="col-head" x={COL_X[i]} y={16}>
            {h}
          </text>
        ))}
        {edges.map((e, i) => {
          const a = pos.get(e.from)!;
          const b = pos.get(e.to)!;
          const x1 = a.x + NODE_W,
            y1 = a.y + NODE_H / 2,
            x2 = b.x,
            y2 = b.y + NODE_H / 2,
            mx = (x1 + x2) / 2;
          return (
            <path
              key={i}
              class={near(e) ? 'edge near' : 'edge'}
              d={`M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`}
            />
          );
        })}
        {nodes.map((n) => {
          const p = pos.get(n.id)!;
          return (
            // biome-ignore lint/a11y/noInteractiveElementToNoninteractiveRole: a labelled picture of one node; focus only highlights its edges
            <g
              key={n.id}
              class={`node col${n.col}${focused === n.id ? ' focused' : ''}`}
              tabIndex={0}
              role="img"
              aria-label={n.detail}
              onFocus={() => setFocused(n.id)}
              onBlur={() => setFocused(undefined)}
              transform={`translate(${p.x},${p.y})`}
            >
              <title>{n.detail}</title>
              <rect width={NODE_W} height={NODE_H} rx={5} />
              <text x={8} y={17}>
                {truncate(n.label, 34)}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}

function AsText({ nodes, edges }: { nodes: Node[]; edges: Edge[] }) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const children = (id: string) => edges.filter((e) => e.from === id).map((e) => byId.get(e.to)!);
  const item = (n: Node, depth: number): preact.JSX.Element => (
    <li key={n.id}>
      {n.detail}
      {depth < 3 && children(n.id).length ? <ul>{children(n.id).map((c) => item(c, depth + 1))}</ul> : null}
    </li>
  );
  return (
    <details>
      <summary>The graph as text</summary>
      <ul>{nodes.filter((n) => n.col === 0).map((n) => item(n, 0))}</ul>
    </details>
  );
}

export function GraphView({ api, me }: ViewProps) {
  const [objects, setObjects] = useState<RbacObject[]>();
  const [error, setError] = useState<unknown>();
  const [subject, setSubject] = useState('me');
  useEffect(() => {
    listRbacObjects(api).then(setObjects, setError);
  }, [api]);
  const world = useMemo(() => (objects ? new RbacWorld(objects) : undefined), [objects]);
  const subjects = useMemo(() => {
    const keys = new Set<string>();
    for (const b of world?.bindings ?? []) for (const s of b.subjects) keys.add(subjectKey(s, b.namespace));
    return [...keys].sort();
  }, [world]);
  const who = identityOf(subject, me);
  const graph = useMemo(() => (world ? buildGraph(world, who) : undefined), [world, subject]);
  const title = `RBAC graph of ${subject === 'me' ? me.username : subject}`;
  return (
    <Section title="RBAC graph">
      <div class="row">
        <label for="g-subject">Subject</label>
        <select id="g-subject" value={subject} onChange={(e) => setSubject((e.target as HTMLSelectElement).value)}>
          <option value="me">Me ({me.username}, with my groups)</option>
          {subjects.map((k) => (
            <option key={k} value={k}>
              {k.replace(':', ' ')}
            </option>
          ))}
        </select>
      </div>
      <ErrorBox error={error} />
      {!objects && !error ? <Busy>Listing roles and bindings…</Busy> : null}
      {graph ? (
        graph.nodes.length ? (
          <>
            <p class="note">
              {graph.nodes.filter((n) => n.col === 1).length} bindings. Tab through the nodes; focus highlights their
              edges.
            </p>
            <Graph nodes={graph.nodes} edges={graph.edges} title={title} />
            <AsText nodes={graph.nodes} edges={graph.edges} />
          </>
        ) : (
          <p>No binding names this subject.</p>
        )
      ) : null}
    </Section>
  );
}
