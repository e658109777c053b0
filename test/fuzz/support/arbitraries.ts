// fast-check generators for what a client controls: request paths (segments, escapes, `%ff`, repeated
// slashes, dot segments, very long ones), query parameters, label and field selectors, headers, bodies
// (JSON, YAML, protobuf, garbage, deep nesting, big numbers) and patches (JSON, merge, strategic merge).
// Vocabulary comes from the seeded cluster (cluster.ts) so that many requests hit real objects and grants.
import fc from 'fast-check';
import YAML from 'yaml';

export const NAMESPACES = ['fz-a', 'fz-b', 'fz-c', 'fz-d', 'fz-e', 'default', 'kube-system', 'nope'];
export const RESOURCES = [
  'configmaps',
  'secrets',
  'namespaces',
  'pods',
  'nodes',
  'serviceaccounts',
  'events',
  'services',
  'deployments',
  'roles',
  'rolebindings',
  'clusterroles',
  'clusterrolebindings',
  'certificatesigningrequests',
  'subjectaccessreviews',
  'selfsubjectaccessreviews',
  'selfsubjectrulesreviews',
  'localsubjectaccessreviews',
  'tokenreviews',
  'selfsubjectreviews',
  'leases',
  'endpoints',
  'bogus',
];
export const NAMES = ['cm-1', 'cm-2', 's-1', 'p1', 'n1', 'fz-a', 'fz-b', 'fz-e', 'default', 'view', 'admin', 'x'];
export const SUBRESOURCES = [
  'status',
  'finalize',
  'token',
  'scale',
  'approval',
  'eviction',
  'binding',
  'proxy',
  'log',
  'bogus',
];
const GROUP_VERSIONS = [
  'api/v1',
  'api/v1',
  'api/v1',
  'apis/apps/v1',
  'apis/rbac.authorization.k8s.io/v1',
  'apis/certificates.k8s.io/v1',
  'apis/authorization.k8s.io/v1',
  'apis/authentication.k8s.io/v1',
  'apis/coordination.k8s.io/v1',
  'apis/apps',
  'apis/nope/v1',
  'api/v2',
  'api',
  'apis',
];
const NON_RESOURCE = [
  '',
  'api',
  'apis',
  'healthz',
  'livez',
  'readyz',
  'readyz/etcd',
  'livez/ping',
  'version',
  'openapi/v3',
  'openapi/v2',
  'openapi/v3/api/v1',
  '.well-known/openid-configuration',
  'openid/v1/jwks',
  'metrics',
  'logs',
  'ui',
];

/** Characters that are safe to send raw in a request target (Node refuses others unescaped). */
const RAW_SAFE = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]$/;

/** Percent-encodes every UTF-8 byte of s, in upper or lower case hex. */
function encodeAll(s: string, lower: boolean): string {
  const hex = [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  return lower ? hex : hex.toUpperCase();
}

/** Escapes what may not go on the wire raw, leaving the rest (and existing `%` escapes) as they are. */
export function wireSafe(s: string): string {
  let out = '';
  for (const ch of s) out += ch === '%' || ch === '/' || RAW_SAFE.test(ch) ? ch : encodeAll(ch, false);
  return out;
}

const oddSegment = fc.constantFrom(
  '.',
  '..',
  '',
  '%2e%2e',
  '%2E',
  '%2e',
  '%ff',
  '%FF%FE',
  '%00',
  '%',
  '%z',
  '%zz',
  '%2',
  '%c0%af',
  '%2F',
  '%2f..%2f',
  'a%2Fb',
  '%20',
  '+',
  '~',
  ':',
  '@',
  ';x=1',
  'ü',
  '☃',
  '\u0000',
  'x'.repeat(300),
  'NAMESPACES',
  'Namespaces',
);

/** One path segment: mostly the vocabulary, sometimes escaped, odd or long. */
export function segment(vocab: string[]): fc.Arbitrary<string> {
  const word = fc.constantFrom(...vocab);
  return fc
    .oneof(
      { weight: 60, arbitrary: word },
      { weight: 2, arbitrary: fc.tuple(word, fc.boolean()).map(([w, lower]) => encodeAll(w, lower)) },
      { weight: 3, arbitrary: oddSegment },
      { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
      { weight: 1, arbitrary: fc.integer({ min: 1000, max: 12_000 }).map((n) => 'a'.repeat(n)) },
    )
    .map(wireSafe);
}

/** Where a user's requests mostly go: the namespaces, resources and names its grants are about. */
export interface Focus {
  namespaces: string[];
  resources: string[];
  names: string[];
  /** Methods, repeated for weight. */
  methods: string[];
  /** How often (0–1) a path names an object. */
  named: number;
}

/** The group version each resource is served in (others get a random one). */
const GV_OF: Record<string, string> = {
  deployments: 'apis/apps/v1',
  roles: 'apis/rbac.authorization.k8s.io/v1',
  rolebindings: 'apis/rbac.authorization.k8s.io/v1',
  clusterroles: 'apis/rbac.authorization.k8s.io/v1',
  clusterrolebindings: 'apis/rbac.authorization.k8s.io/v1',
  certificatesigningrequests: 'apis/certificates.k8s.io/v1',
  subjectaccessreviews: 'apis/authorization.k8s.io/v1',
  selfsubjectaccessreviews: 'apis/authorization.k8s.io/v1',
  selfsubjectrulesreviews: 'apis/authorization.k8s.io/v1',
  localsubjectaccessreviews: 'apis/authorization.k8s.io/v1',
  tokenreviews: 'apis/authentication.k8s.io/v1',
  selfsubjectreviews: 'apis/authentication.k8s.io/v1',
  leases: 'apis/coordination.k8s.io/v1',
};

/** A probability as a fast-check boolean (fc.nat is uniform, so n < p·1000 has probability p). */
const chance = (p: number): fc.Arbitrary<boolean> => fc.nat(999).map((n) => n < p * 1000);

/** value with probability p, else null. */
const maybe = <T>(p: number, value: fc.Arbitrary<T>): fc.Arbitrary<T | null> =>
  fc.tuple(chance(p), value).map(([yes, v]) => (yes ? v : null));

/**
 * The segments of an API path. Tame: exactly about the focus (most requests reach a handler). Wild: other
 * namespaces, resources and group versions, nested namespaces, /watch/, escaped and odd segments.
 */
function resourceSegments(f: Focus, wild: boolean): fc.Arbitrary<string[]> {
  const from = (mostly: string[], all: string[]): fc.Arbitrary<string> =>
    wild
      ? fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom(...mostly) },
          { weight: 1, arbitrary: fc.constantFrom(...all) },
        )
      : fc.constantFrom(...mostly);
  const seg = (word: string): fc.Arbitrary<string> => (wild ? segment([word]) : fc.constant(word));
  return fc
    .record({
      resource: from(f.resources, RESOURCES),
      gv: maybe(wild ? 0.15 : 0, fc.constantFrom(...GROUP_VERSIONS)),
      watch: wild ? chance(0.1) : fc.constant(false),
      clusterScope: chance(wild ? 0.2 : 0.05),
      namespaces: fc.tuple(from(f.namespaces, NAMESPACES), maybe(wild ? 0.15 : 0, fc.constantFrom(...NAMESPACES))),
      name: fc.tuple(chance(f.named), from(f.names, NAMES)).map(([named, n]) => (named ? n : null)),
      sub: maybe(wild ? 0.3 : 0.1, fc.constantFrom(...SUBRESOURCES)),
      extra: maybe(wild ? 0.25 : 0, fc.constantFrom('x', 'status', 'namespaces', 'fz-a')),
    })
    .chain((p) => {
      const namespaces =
        p.resource === 'namespaces' && !wild
          ? []
          : p.clusterScope
            ? []
            : [p.namespaces[0], ...(p.namespaces[1] ? [p.namespaces[1]] : [])];
      return fc.tuple(
        ...(p.gv ?? GV_OF[p.resource] ?? 'api/v1').split('/').map((x) => fc.constant(x)),
        ...(p.watch ? [fc.constant('watch')] : []),
        ...namespaces.flatMap((ns) => [seg('namespaces'), seg(ns)]),
        seg(p.resource),
        ...(p.name ? [seg(p.name)] : []),
        ...(p.name && p.sub ? [seg(p.sub)] : []),
        ...(p.name && p.sub && p.extra ? [seg(p.extra)] : []),
      );
    });
}

/** How segments are joined: one slash, or a run of them (rarely a very long run). */
const separator = fc.oneof(
  { weight: 100, arbitrary: fc.constant('/') },
  { weight: 4, arbitrary: fc.integer({ min: 2, max: 5 }).map((n) => '/'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 120_000 }).map((n) => '/'.repeat(n)) },
);

/** A request path: mostly an API path about focus (tame or wild), else a non-resource or random one. */
export function pathFor(f: Focus): fc.Arbitrary<string> {
  const tame = resourceSegments(f, false).map((segs) => `/${segs.join('/')}`);
  const wild = fc
    .oneof(
      { weight: 6, arbitrary: resourceSegments(f, true) },
      { weight: 1, arbitrary: fc.constantFrom(...NON_RESOURCE).map((p) => p.split('/')) },
      { weight: 1, arbitrary: fc.array(segment([...NAMESPACES, ...RESOURCES, 'api', 'apis', 'v1']), { maxLength: 6 }) },
    )
    .chain((segs) =>
      fc
        .tuple(
          fc.array(separator, { minLength: segs.length, maxLength: segs.length }),
          fc.oneof({ weight: 8, arbitrary: fc.constant('') }, { weight: 1, arbitrary: separator }),
        )
        .map(([seps, trailing]) => segs.map((x, i) => `${seps[i]}${x}`).join('') + trailing || '/'),
    );
  return fc.oneof({ weight: 3, arbitrary: tame }, { weight: 2, arbitrary: wild });
}

// ---- selectors -------------------------------------------------------------------------------------

const spaces = fc.oneof(
  { weight: 40, arbitrary: fc.constant('') },
  { weight: 4, arbitrary: fc.constantFrom(' ', '  ', '\t') },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 60_000 }).map((n) => ' '.repeat(n)) },
);
/** A run of spaces inside a value: short, or long enough that quadratic parsing shows (30k–100k). */
const innerSpaces = fc
  .oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 30_000, max: 100_000 }))
  .map((n) => ' '.repeat(n));
/** Mostly a word that parses, sometimes one that does not. */
const mostly = (good: string[], bad: string[]): fc.Arbitrary<string> =>
  fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: fc.constantFrom(...bad) });
const labelKey = mostly(
  ['app', 'app', 'tier', 'fuzz', 'a.b/c', 'example.com/x', 'x'.repeat(63), `${'p'.repeat(253)}/k`],
  ['x'.repeat(64), `${'p'.repeat(254)}/k`, '', '-a', 'a-', 'in', 'notin', 'ü', '/', 'a/b/c', '!', '(', 'a b'],
);
const labelValue = fc.oneof(
  {
    weight: 12,
    arbitrary: mostly(['one', 'two', 'a', '', 'v'.repeat(63)], ['v'.repeat(64), 'ü', '(', ')', ',', 'a b', '-x']),
  },
  { weight: 1, arbitrary: innerSpaces.map((sp) => `a${sp}b`) },
);
const labelTerm = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.tuple(labelKey, spaces, fc.constantFrom('=', '==', '!='), spaces, labelValue).map((t) => t.join('')),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        labelKey,
        spaces,
        fc.constantFrom('in', 'notin', 'notin', 'In'),
        spaces,
        fc.array(labelValue, { maxLength: 3 }),
      )
      .map(([k, s1, op, s2, vs]) => `${k} ${s1}${op}${s2} (${vs.join(',')})`),
  },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('', '!'), spaces, labelKey).map((t) => t.join('')) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', ',', '=', '!', 'app in (', 'app notin ()', 'app>1', 'app<2', 'app gt 1'),
  },
);
/** A labelSelector: terms of the grammar with random spacing, and broken ones. */
export const labelSelector = fc
  .array(
    fc.tuple(spaces, labelTerm, spaces).map((t) => t.join('')),
    { minLength: 1, maxLength: 3 },
  )
  .map((ts) => ts.join(','));

const fieldName = mostly(
  ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'status.phase', 'type'],
  ['bogus', '', 'metadata.name ', 'Metadata.Name'],
);
const fieldValue = fc.oneof(
  {
    weight: 12,
    arbitrary: mostly(
      ['cm-1', 'cm-2', 'fz-a', 'fz-b', 'n1', 'Pending', 'Opaque', ''],
      ['a\\,b', 'a\\=b', '\\', 'x'.repeat(300), 'a b'],
    ),
  },
  { weight: 2, arbitrary: innerSpaces.map((sp) => `a${sp}b`) },
);
const fieldTerm = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(fieldName, spaces, fc.constantFrom('=', '==', '!=', '!='), spaces, fieldValue)
      .map((t) => t.join('')),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', ',', '=', '!', 'metadata.name', '==x', 'metadata.name=cm-1,metadata.name=cm-2'),
  },
);
/** A fieldSelector: terms with random spacing and escapes, and broken ones. */
export const fieldSelector = fc
  .array(
    fc.tuple(spaces, fieldTerm, spaces).map((t) => t.join('')),
    { minLength: 1, maxLength: 2 },
  )
  .map((ts) => ts.join(','));

// ---- query -----------------------------------------------------------------------------------------

const queryParam: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.tuple(fc.constant('watch'), fc.constantFrom('1', 'true', 'false', '0', '', 'x')),
  fc.tuple(fc.constant('labelSelector'), labelSelector),
  fc.tuple(fc.constant('fieldSelector'), fieldSelector),
  fc.tuple(fc.constant('limit'), fc.constantFrom('-1', '0', '1', '2', 'x', '99999999999999999999', '1.5')),
  fc.tuple(
    fc.constant('continue'),
    fc.constantFrom('x', 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MSwic3RhcnQiOiJ6In0', '', '%%'),
  ),
  fc.tuple(fc.constant('resourceVersion'), fc.constantFrom('0', '1', 'x', '999999999', '-1', '')),
  fc.tuple(fc.constant('resourceVersionMatch'), fc.constantFrom('Exact', 'NotOlderThan', 'x')),
  fc.tuple(fc.constant('timeoutSeconds'), fc.constantFrom('1', '0', '-1', 'x')),
  fc.tuple(fc.constant('dryRun'), fc.constantFrom('All', 'x', '')),
  fc.tuple(fc.constant('fieldValidation'), fc.constantFrom('Strict', 'Warn', 'Ignore', 'x')),
  fc.tuple(fc.constant('propagationPolicy'), fc.constantFrom('Foreground', 'Background', 'Orphan', 'x')),
  fc.tuple(fc.constant('gracePeriodSeconds'), fc.constantFrom('0', '-1', '30', 'x')),
  fc.tuple(
    fc.constantFrom(
      'pretty',
      'allowWatchBookmarks',
      'sendInitialEvents',
      'includeObject',
      'fieldManager',
      'force',
      'bogus',
    ),
    fc.constantFrom('true', 'false', 'Object', 'x', ''),
  ),
);

/** A query string: parameters URL-encoded, sometimes repeated, sometimes with a broken escape. */
export const query: fc.Arbitrary<string> = fc.array(fc.tuple(queryParam, fc.boolean()), { maxLength: 4 }).chain((ps) =>
  fc.constantFrom('', '&', '%zz&').map((junk) => {
    if (!ps.length) return '';
    const parts = ps.map(
      ([[k, v], raw]) => `${k}=${raw ? wireSafe(v).replace(/[#?&]/g, encodeURIComponent) : encodeURIComponent(v)}`,
    );
    return `?${junk}${parts.join('&')}`;
  }),
);

// ---- bodies ------------------------------------------------------------------------------------------

const jsonString = fc.oneof(
  fc.constantFrom(...NAMES, ...NAMESPACES, '', 'a'.repeat(300)),
  fc.string({ maxLength: 10 }),
);

/** Optional fields: each present with probability p. */
function someOf(p: number, fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const entries = Object.entries(fields).map(([k, v]) => maybe(p, v).map((x) => (x === null ? [] : [[k, x] as const])));
  return fc.tuple(...entries).map((es) => Object.fromEntries(es.flat()));
}

/** The kinds bodies are made for, with their group versions. */
export const KINDS: Record<string, string> = { ConfigMap: 'v1', Secret: 'v1', Namespace: 'v1' };

/**
 * An object of kind (ConfigMap, Secret, Namespace): mostly a plausible one, with now and then a wrong type, an
 * odd name or label, a resourceVersion, finalizers, a huge annotation, another namespace or kind.
 */
export function objectOf(
  kind: string,
  names = ['new-1', 'new-2', 'cm-1', 's-1', 'fz-e', 'gen'],
): fc.Arbitrary<Record<string, unknown>> {
  const gv = KINDS[kind] ?? 'v1';
  return fc
    .record({
      typeMeta: fc.oneof(
        { weight: 6, arbitrary: fc.constant({ apiVersion: gv, kind }) },
        { weight: 2, arbitrary: fc.constant({}) },
        {
          weight: 1,
          arbitrary: fc.record({
            apiVersion: fc.constantFrom('v1', 'apps/v1', 'x', 1),
            kind: fc.constantFrom('ConfigMap', 'Secret', 'Namespace', 'Pod', 'x', 7),
          }),
        },
      ),
      name: fc.oneof(
        { weight: 12, arbitrary: fc.constantFrom(...names) },
        { weight: 1, arbitrary: jsonString },
        { weight: 1, arbitrary: fc.constant(7) },
      ),
      meta: someOf(0.07, {
        namespace: fc.constantFrom(...NAMESPACES, ''),
        generateName: fc.constantFrom('g-', '', '-'),
        labels: fc.dictionary(
          fc.constantFrom('app', 'x', 'a'.repeat(64), `${'p'.repeat(254)}/k`, 'a/b', ''),
          fc.constantFrom('one', '', 'v'.repeat(64)),
        ),
        annotations: fc.dictionary(
          fc.string({ maxLength: 6 }),
          fc.oneof(
            fc.string(),
            fc.integer({ min: 1, max: 300_000 }).map((n) => 'a'.repeat(n)),
          ),
        ),
        resourceVersion: fc.constantFrom('', '1', '5', 'x'),
        finalizers: fc.array(fc.constantFrom('example.com/f', 'kubernetes', 'x', ''), { maxLength: 2 }),
        uid: fc.constantFrom('x', ''),
        managedFields: fc.constant([{ manager: 'x', operation: 'Apply' }]),
      }),
      content:
        kind === 'Namespace'
          ? someOf(0.3, {
              spec: fc.constantFrom({ finalizers: ['kubernetes'] }, {}, null, { finalizers: ['x/y'] }),
              status: fc.constant({ phase: 'Terminating' }),
            })
          : fc
              .tuple(
                fc.oneof(
                  {
                    weight: 8,
                    arbitrary: fc
                      .dictionary(
                        fc.constantFrom('k', 'a.b', 'c_d', 'e-f'),
                        fc.constantFrom('cGFzcw==', '', ...(kind === 'Secret' ? [] : ['v'])),
                      )
                      .map((data) => ({ data })),
                  },
                  {
                    weight: 1,
                    arbitrary: fc.record({
                      data: fc.oneof(
                        fc.dictionary(fc.constantFrom('', '../x', 'ü', 'a b'), fc.string()),
                        fc.constant(null),
                        fc.constant('x'),
                      ),
                    }),
                  },
                ),
                someOf(0.1, {
                  stringData: fc.dictionary(fc.constantFrom('k', ''), fc.string()),
                  binaryData: fc.dictionary(fc.constantFrom('k'), fc.constantFrom('AAAA', '!!')),
                  type: fc.constantFrom('Opaque', 'kubernetes.io/tls', 'x'),
                  immutable: fc.constantFrom(true, false, 'x'),
                  spec: fc.constant({ x: 1 }),
                }),
              )
              .map(([a, b]) => ({ ...a, ...b })),
    })
    .map(({ typeMeta, name, meta, content }) => ({ ...typeMeta, metadata: { name, ...meta }, ...content }));
}

/** Any of the kinds. */
export const objectLike: fc.Arbitrary<Record<string, unknown>> = fc.constantFrom(...Object.keys(KINDS)).chain(objectOf);

/** Nesting depths around kube's limit (10,000) and the stack's. */
const depth = fc.constantFrom(100, 1000, 3000, 5000, 9999, 10_001, 50_000);
/** Where in an object deep nesting goes (kube decodes up to 10,000 levels anywhere). */
const nestField = fc.constantFrom('data', 'metadata.annotations', 'metadata.labels', 'spec', 'x');

/** JSON text of obj with a value nested d deep (arrays and objects in turn) at field. */
function deepIn(obj: Record<string, unknown>, field: string, d: number): string {
  const marker = '"__deep__"';
  const [first, second] = field.split('.') as [string, string | undefined];
  const copy: Record<string, unknown> = { ...obj, metadata: { ...(obj.metadata as object) } };
  if (second) (copy[first] as Record<string, unknown>)[second] = '__deep__';
  else copy[first] = '__deep__';
  const open = '[{"a":'.repeat(Math.ceil(d / 2));
  const close = '}]'.repeat(Math.ceil(d / 2));
  return JSON.stringify(copy).replace(marker, `${open}1${close}`);
}

/** Brackets nested `depth` deep, as JSON text. */
function nested(depth: number, open: string, close: string): string {
  return open.repeat(depth) + close.repeat(depth);
}

const NUMBERS = [
  '1e400',
  '-1e400',
  '123456789012345678901234567890',
  '-0',
  '1.7976931348623157e309',
  '0.1e-400',
  '9007199254740993',
  '1E+2',
];

/** A JSON body: an object of kind, arbitrary JSON, deep nesting, big numbers, or broken text. */
export const jsonBodyOf = (kind: string, names?: string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 12, arbitrary: objectOf(kind, names).map((o) => JSON.stringify(o)) },
    { weight: 2, arbitrary: fc.json({ maxDepth: 4 }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(depth, fc.constantFrom(['[', ']'], ['{"a":', '}']))
        .map(([d, [o, c]]) => (o === '[' ? nested(d, o!, c!) : `${o!.repeat(d)}1${c!.repeat(d)}`)),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(objectOf(kind, names), depth, nestField).map(([o, d, field]) => deepIn(o, field, d)),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(objectOf(kind, names), fc.constantFrom(...NUMBERS))
        .map(([o, n]) => JSON.stringify(o).replace(/^\{/, `{"x":${n},"spec":{"replicas":${n}},`)),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        ' ',
        'null',
        '[]',
        '"x"',
        '1',
        '{',
        '{"metadata":',
        '\ufeff{"metadata":{"name":"x"}}',
        '{"metadata":{"name":"a"},"metadata":{"name":"b"}}',
        '{"kind":7}',
        '{"apiVersion":{}}',
      ),
    },
  );

/** A YAML body: an object as YAML, anchors and aliases (bounded fan-out), or broken YAML. */
export const yamlBodyOf = (kind: string, names?: string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: objectOf(kind, names).map((o) => YAML.stringify(o)) },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 2, max: 10 })).map(([levels, fan]) => {
        const lines = ['a0: &a0 ["lol"]'];
        for (let i = 1; i <= levels; i++)
          lines.push(`a${i}: &a${i} [${Array.from({ length: fan }, () => `*a${i - 1}`).join(', ')}]`);
        return `kind: ${kind}\nmetadata:\n  name: yaml-aliases\ndata:\n  ${lines.join('\n  ')}\n`;
      }),
    },
    {
      weight: 3,
      // Few aliases of a big anchor: within any alias count, yet a body that decodes to many times its size.
      arbitrary: fc
        .tuple(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 2, max: 90 }))
        .map(([kib, n]) =>
          [
            `kind: ${kind}`,
            'metadata:',
            `  name: yaml-big-${kib}-${n}`,
            'data:',
            `  a: &a "${'x'.repeat(kib * 1024)}"`,
            ...Array.from({ length: n }, (_, i) => `  k${i}: *a`),
          ].join('\n'),
        ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(1000, 5000, 10_001, 100_000, 200_000, 500_000).map((d) => nested(d, '[', ']')),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        ':',
        '- a\n- b',
        'metadata: [',
        '!!binary x',
        'a: !!js/function "f"',
        '%YAML 9.9\n---\na: 1',
        '? [a]\n: b',
      ),
    },
  );

/** A protobuf-looking body: kube's `k8s\0` magic, then a plausible or a random envelope. */
export const protobufBody: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.concat([Buffer.from('k8s\0', 'latin1'), b])),
  fc
    .tuple(
      fc.constantFrom('v1', 'x'),
      fc.constantFrom('ConfigMap', 'Namespace', 'DeleteOptions', 'x'),
      fc.uint8Array({ maxLength: 100 }),
      fc.nat(300),
    )
    .map(([av, kind, raw, lenJitter]) => {
      const str = (field: number, s: string): Buffer =>
        Buffer.concat([Buffer.from([(field << 3) | 2, s.length]), Buffer.from(s)]);
      const typeMeta = Buffer.concat([str(1, av), str(2, kind)]);
      const len = (n: number): Buffer => {
        const out: number[] = [];
        do {
          out.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
          n >>>= 7;
        } while (n);
        return Buffer.from(out);
      };
      // The raw field's declared length is sometimes a lie.
      const rawLen = lenJitter % 3 === 0 ? raw.length + lenJitter : raw.length;
      return Buffer.concat([
        Buffer.from('k8s\0', 'latin1'),
        Buffer.from([0x0a]),
        len(typeMeta.length),
        typeMeta,
        Buffer.from([0x12]),
        len(rawLen),
        Buffer.from(raw),
      ]);
    }),
  fc.constantFrom(Buffer.from('k8s\0', 'latin1'), Buffer.from('k8s', 'latin1'), Buffer.alloc(0)),
);

export const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/yaml',
  'application/vnd.kubernetes.protobuf',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/json-patch+json',
  'application/apply-patch+yaml',
  'text/plain',
  '*/*',
  'application/cbor',
  'APPLICATION/JSON',
  'application/json;;',
  '',
];

/** A body for kind and the content type it goes with (sometimes a mismatched one). */
export const bodyOf = (kind: string, names?: string[]): fc.Arbitrary<{ body: Buffer; contentType: string }> =>
  fc
    .oneof(
      {
        weight: 16,
        arbitrary: jsonBodyOf(kind, names).map((b) => ({ body: Buffer.from(b), contentType: 'application/json' })),
      },
      {
        weight: 4,
        arbitrary: yamlBodyOf(kind, names).map((b) => ({ body: Buffer.from(b), contentType: 'application/yaml' })),
      },
      {
        weight: 4,
        arbitrary: protobufBody.map((b) => ({ body: b, contentType: 'application/vnd.kubernetes.protobuf' })),
      },
      {
        weight: 2,
        arbitrary: fc
          .uint8Array({ maxLength: 300 })
          .map((b) => ({ body: Buffer.from(b), contentType: 'application/json' })),
      },
      // Just over kube's 3 MiB request body limit: 413, with the Status actually delivered.
      {
        weight: 1,
        arbitrary: fc.constant(0).map(() => ({
          body: Buffer.from(`{"metadata":{"name":"big"},"data":{"k":"${'x'.repeat(3 * 1024 * 1024)}"}}`),
          contentType: 'application/json',
        })),
      },
    )
    .chain((b) =>
      fc.oneof(
        { weight: 6, arbitrary: fc.constant(b) },
        { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES).map((contentType) => ({ ...b, contentType })) },
      ),
    );

// ---- patches -----------------------------------------------------------------------------------------

const pointer = fc.constantFrom(
  '/metadata/labels/x',
  '/metadata/labels',
  '/metadata/annotations/a~1b',
  '/data/k',
  '/data',
  '/data/-',
  '/data/k/0',
  '',
  '/',
  '/metadata/name',
  '/metadata/namespace',
  '/metadata/finalizers/-',
  '/metadata/finalizers/0',
  '/metadata/resourceVersion',
  '/spec/finalizers/-',
  '/~2',
  '/a~1b',
  '/0',
  '/-',
  '/metadata/uid',
  '/kind',
  '/apiVersion',
  'data',
  '/data/k/x',
);
const patchValue = fc.oneof(
  fc.json({ maxDepth: 2 }).map((j) => JSON.parse(j) as unknown),
  fc.constantFrom('x', null, { k: 'v' }, ['kubernetes'], 'a'.repeat(5000)),
);
const jsonPatchOp = fc.record(
  {
    op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', 'bogus'),
    path: pointer,
    from: pointer,
    value: patchValue,
  },
  { requiredKeys: ['op', 'path'] },
);

/** A JSON patch: random operations, or a chain of copies that doubles /data (32 B · 2^n, n ≤ 20: at most 32 MiB). */
export const jsonPatch: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.array(jsonPatchOp, { maxLength: 5 }).map((ops) => JSON.stringify(ops)) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 2, max: 20 })
      .map((n) =>
        JSON.stringify([
          { op: 'add', path: '/data', value: { k: 'x'.repeat(32) } },
          ...Array.from({ length: n }, (_, i) => ({ op: 'copy', from: '/data', path: `/data/c${i}` })),
        ]),
      ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', '{}', '[', 'null', '[null]', '[{"op":"add"}]', nested(10_001, '[', ']')),
  },
);

const directive = fc.constantFrom(
  { $patch: 'replace' },
  { $patch: 'delete' },
  { $patch: 'merge' },
  { $patch: 'bogus' },
  { $retainKeys: ['data'] },
  { '$setElementOrder/finalizers': ['kubernetes'] },
  { '$deleteFromPrimitiveList/finalizers': ['x'] },
  { $retainKeys: 'x' },
);

/** A merge patch (or strategic merge patch, with its directives) over the object's shape, with nulls. */
export const mergePatch: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(objectLike, fc.constantFrom(null, 'x', {}))
      .map(([o, v]) => JSON.stringify({ ...o, metadata: { ...(o.metadata as object), labels: { x: v } } })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(directive, fc.constantFrom('metadata', 'data', 'spec', ''))
      .map(([d, where]) => JSON.stringify(where ? { [where]: d } : d)),
  },
  { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      'null',
      '[]',
      '{"metadata":null}',
      '{"metadata":{"name":null}}',
      nested(10_001, '[', ']'),
    ),
  },
  { weight: 1, arbitrary: fc.tuple(depth, nestField).map(([d, field]) => deepIn({ metadata: {} }, field, d)) },
);

export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];

/** A patch body with its content type (sometimes not a patch type at all). */
export const patch: fc.Arbitrary<{ body: Buffer; contentType: string }> = fc.oneof(
  {
    weight: 3,
    arbitrary: jsonPatch.map((b) => ({ body: Buffer.from(b), contentType: 'application/json-patch+json' })),
  },
  {
    weight: 3,
    arbitrary: mergePatch.map((b) => ({ body: Buffer.from(b), contentType: 'application/merge-patch+json' })),
  },
  {
    weight: 3,
    arbitrary: mergePatch.map((b) => ({ body: Buffer.from(b), contentType: 'application/strategic-merge-patch+json' })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(mergePatch, fc.constantFrom(...CONTENT_TYPES))
      .map(([b, contentType]) => ({ body: Buffer.from(b), contentType })),
  },
);

// ---- headers -----------------------------------------------------------------------------------------

/** A header value Node will send (visible ASCII and latin-1, no CR/LF). */
const headerText = fc.string({
  unit: fc
    .integer({ min: 0x20, max: 0xff })
    .filter((c) => c !== 0x7f)
    .map((c) => String.fromCharCode(c)),
  maxLength: 40,
});

export const ACCEPTS = [
  'application/json',
  'application/yaml',
  'application/vnd.kubernetes.protobuf',
  '*/*',
  '',
  'application/json;as=Table;v=v1;g=meta.k8s.io',
  'application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
  'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io',
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json',
  'text/html',
  'application/json;q=0',
  'application/vnd.kubernetes.protobuf;stream=watch',
  'application/json, */*;q=0.1',
  'x/y;;;',
  ';',
  'application/json;as=Table',
];

const bearer = fc.oneof(
  fc.constantFrom(
    'Bearer ',
    'Bearer',
    'bearer abc',
    'Bearer abcdef.0123456789abcdef',
    'Bearer abcdef.0123456789abcdeg',
    'Basic YTpi',
    'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
    'Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6IngifQ.eyJpc3MiOiJodHRwczovL2t1YmVybmV0ZXMuZGVmYXVsdC5zdmMuY2x1c3Rlci5sb2NhbCIsInN1YiI6InN5c3RlbTpzZXJ2aWNlYWNjb3VudDpmei1hOmRlZmF1bHQifQ.c2ln',
    'Bearer a b',
    'Bearer \t x',
  ),
  headerText.map((t) => `Bearer ${t}`),
);

const impersonateUser = fc.constantFrom(
  'fz-getter',
  'fz-getter',
  'fz-admin',
  'system:admin',
  'system:anonymous',
  '',
  'system:serviceaccount:fz-a:default',
  'system:node:n1',
  'FZ-GETTER',
  'fz-getter ',
  ' fz-getter',
);
const impersonateGroups = fc.array(
  fc.constantFrom('fz-group', 'system:masters', 'system:authenticated', '', 'system:nodes'),
  { minLength: 1, maxLength: 3 },
);

/** Impersonate-* headers: none, a user, a user and groups, or everything at once (uid, extras, no user). */
const impersonation: fc.Arbitrary<Record<string, string | string[]>> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({}) },
  { weight: 3, arbitrary: impersonateUser.map((u) => ({ 'impersonate-user': u })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(impersonateUser, impersonateGroups)
      .map(([u, g]) => ({ 'impersonate-user': u, 'impersonate-group': g })),
  },
  {
    weight: 1,
    arbitrary: fc.record(
      {
        'impersonate-user': impersonateUser,
        'impersonate-group': impersonateGroups,
        'impersonate-uid': fc.constantFrom('1', ''),
        'impersonate-extra-scopes': fc.constantFrom('x', ''),
        'impersonate-extra-a%2Fb': fc.constant('y'),
        'impersonate-extra-': fc.constant('z'),
      },
      { requiredKeys: [] },
    ),
  },
);

/** An optional header: present with probability p. */
const sometimes = (p: number, name: string, value: fc.Arbitrary<string>): fc.Arbitrary<Record<string, string>> =>
  maybe(p, value).map((v) => (v === null ? {} : { [name]: v }));

/** Headers a client controls: impersonation, credentials, front-proxy spoofing, content negotiation. */
export const headers: fc.Arbitrary<Record<string, string | string[]>> = fc
  .tuple(
    impersonation,
    sometimes(0.25, 'authorization', bearer),
    sometimes(0.6, 'accept', fc.constantFrom(...ACCEPTS)),
    sometimes(0.2, 'content-type', fc.constantFrom(...CONTENT_TYPES)),
    sometimes(0.15, 'x-remote-user', fc.constantFrom('fz-admin', 'system:admin')),
    sometimes(0.15, 'x-remote-group', fc.constantFrom('system:masters')),
    sometimes(0.1, 'sec-websocket-protocol', fc.constantFrom('base64url.bearer.authorization.k8s.io.eA', 'x')),
    sometimes(0.1, 'x-random', headerText),
  )
  .map((parts) => Object.assign({}, ...parts) as Record<string, string | string[]>);

// ---- requests ------------------------------------------------------------------------------------------

/** The users of cluster.ts, and anonymous; `admin` only reads (its writes would rewrite the fuzzers' grants). */
export const USERS = [
  'getter',
  'lister',
  'viewer',
  'writer',
  'nsadmin',
  'impersonator',
  'node',
  'admin',
  'anonymous',
] as const;
export type FuzzUser = (typeof USERS)[number];

const ALL_METHODS = ['GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND'];
const READS = ['GET', 'GET', 'GET', 'GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** What each user's grants are about (cluster.ts seed()), so that most of its requests reach a handler. */
export const FOCUS: Record<FuzzUser, Focus> = {
  getter: {
    namespaces: ['fz-a'],
    resources: ['configmaps'],
    names: ['cm-1', 'cm-1', 'cm-2'],
    methods: READS,
    named: 0.8,
  },
  lister: { namespaces: ['fz-b'], resources: ['configmaps'], names: ['cm-1'], methods: READS, named: 0.2 },
  viewer: {
    namespaces: ['fz-c'],
    resources: ['configmaps', 'secrets', 'pods', 'serviceaccounts', 'deployments', 'events'],
    names: ['cm-1', 's-1', 'p1', 'default'],
    methods: READS,
    named: 0.5,
  },
  writer: {
    namespaces: ['fz-d'],
    resources: ['configmaps', 'secrets'],
    names: ['cm-1', 'cm-2', 's-1', 'new-1'],
    methods: ALL_METHODS,
    named: 0.6,
  },
  nsadmin: {
    namespaces: ['fz-e'],
    resources: ['namespaces'],
    names: ['fz-e', 'fz-e', 'fz-a', 'new-ns'],
    methods: ['GET', 'GET', 'PATCH', 'PUT', 'POST', 'DELETE'],
    named: 0.7,
  },
  impersonator: { namespaces: ['fz-a'], resources: ['configmaps'], names: ['cm-1'], methods: READS, named: 0.8 },
  node: {
    namespaces: ['fz-c'],
    resources: ['secrets', 'configmaps', 'pods', 'nodes'],
    names: ['s-1', 'cm-1', 'p1', 'n1'],
    methods: READS,
    named: 0.7,
  },
  admin: {
    namespaces: NAMESPACES,
    resources: RESOURCES,
    names: NAMES,
    methods: ['GET', 'GET', 'GET', 'HEAD'],
    named: 0.5,
  },
  anonymous: { namespaces: NAMESPACES, resources: RESOURCES, names: NAMES, methods: READS, named: 0.5 },
};

/** A method for user, weighted to what its grants allow (admin only reads: its writes would rewrite the grants). */
export function methodFor(user: FuzzUser): fc.Arbitrary<string> {
  return fc.constantFrom(...FOCUS[user].methods);
}

/** The body a method carries: an object or garbage for POST/PUT, a patch for PATCH, DeleteOptions-ish for DELETE. */
export function bodyFor(method: string): fc.Arbitrary<{ body?: Buffer; contentType?: string }> {
  if (method === 'POST' || method === 'PUT') return fc.constantFrom(...Object.keys(KINDS)).chain(bodyOf);
  if (method === 'PATCH') return patch;
  if (method === 'DELETE') {
    const options = fc.constantFrom(
      '{"kind":"DeleteOptions","apiVersion":"v1","dryRun":["All"]}',
      '{"propagationPolicy":"x"}',
      '{"preconditions":{"uid":"x"}}',
      '[]',
      '{',
      'k8s\u0000',
    );
    return fc
      .option(options, { freq: 3 })
      .map((b) => (b === null ? {} : { body: Buffer.from(b), contentType: 'application/json' }));
  }
  return fc.constant({});
}

// ---- review and CSR bodies ---------------------------------------------------------------------------------

const attrValue = fc.constantFrom(
  '',
  'fz-a',
  'fz-d',
  'configmaps',
  'get',
  'list',
  '*',
  'cm-1',
  'x'.repeat(300),
  'ü',
  'rbac.authorization.k8s.io',
);

/** SelfSubjectAccessReview / SelfSubjectRulesReview / SelfSubjectReview bodies, well-formed and not. */
export const reviewBody: fc.Arbitrary<string> = fc.oneof(
  fc
    .record(
      {
        apiVersion: fc.constantFrom('authorization.k8s.io/v1', 'authorization.k8s.io/v1beta1', 'v1'),
        kind: fc.constantFrom('SelfSubjectAccessReview', 'SubjectAccessReview', 'x'),
        spec: fc.record(
          {
            resourceAttributes: fc.record(
              {
                namespace: attrValue,
                verb: attrValue,
                group: attrValue,
                version: attrValue,
                resource: attrValue,
                subresource: attrValue,
                name: attrValue,
                fieldSelector: fc.record(
                  {
                    rawSelector: fc.constantFrom('metadata.name=x', '=', ''),
                    requirements: fc.constant([{ key: 'a', operator: 'In', values: [] }]),
                  },
                  { requiredKeys: [] },
                ),
                labelSelector: fc.record(
                  {
                    rawSelector: fc.constantFrom('a in (b)', '!!', ''),
                    requirements: fc.constant([{ key: '', operator: 'Exists' }]),
                  },
                  { requiredKeys: [] },
                ),
              },
              { requiredKeys: [] },
            ),
            nonResourceAttributes: fc.record(
              { path: fc.constantFrom('/', '/healthz', '*', ''), verb: attrValue },
              { requiredKeys: [] },
            ),
            user: fc.constantFrom('fz-admin', ''),
            groups: fc.constant(['system:masters']),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: ['spec'] },
    )
    .map((o) => JSON.stringify(o)),
  fc
    .record({
      apiVersion: fc.constant('authorization.k8s.io/v1'),
      kind: fc.constant('SelfSubjectRulesReview'),
      spec: fc.record({ namespace: attrValue }, { requiredKeys: [] }),
    })
    .map((o) => JSON.stringify(o)),
  fc.constantFrom(
    '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}',
    '{"status":{"userInfo":{"username":"fz-admin"}}}',
    '{}',
    '[]',
  ),
);

/** spec.request contents: a real PEM CSR (given), mangled, or many PEM headers (the quadratic-parse shape). */
export function csrRequest(validPem: string): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(validPem) },
    { weight: 1, arbitrary: fc.nat(validPem.length).map((i) => validPem.slice(0, i) + validPem.slice(i + 1)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        `${validPem}${validPem}`,
        validPem.replace('CERTIFICATE REQUEST', 'CERTIFICATE'),
        '',
        'not pem',
        '-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----\n',
      ),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 20_000, max: 64_000 })),
          fc.constantFrom('-----BEGIN A-----', '-----BEGIN A-----\n', '-----BEGIN A-----\n', '-----END A-----'),
        )
        .map(([n, line]) => line.repeat(n)),
    },
  );
}

/** A CertificateSigningRequest body around a request, with fields right and wrong. */
export function csrBody(validPem: string): fc.Arbitrary<string> {
  return fc
    .record(
      {
        apiVersion: fc.constantFrom('certificates.k8s.io/v1', 'certificates.k8s.io/v1beta1'),
        kind: fc.constant('CertificateSigningRequest'),
        metadata: fc.record(
          { name: fc.constantFrom('fz-csr', 'fz-csr-2', '', 'X'), generateName: fc.constantFrom('fz-', '') },
          { requiredKeys: [] },
        ),
        spec: fc.record(
          {
            // spec.request is []byte: base64 in JSON (raw PEM text is refused before it is parsed).
            request: fc
              .tuple(csrRequest(validPem), fc.nat(3))
              .map(([pem, n]) => (n > 0 ? Buffer.from(pem).toString('base64') : pem)),
            signerName: fc.constantFrom(
              'kubernetes.io/kube-apiserver-client',
              'kubernetes.io/kube-apiserver-client-kubelet',
              'kubernetes.io/kubelet-serving',
              'example.com/x',
              '',
              'x',
            ),
            expirationSeconds: fc.constantFrom(1, 599, 600, 86_400, -1, 1e20),
            usages: fc.array(
              fc.constantFrom('client auth', 'digital signature', 'key encipherment', 'server auth', 'x'),
              { maxLength: 3 },
            ),
            username: fc.constantFrom('fz-admin', 'system:admin'),
            groups: fc.constant(['system:masters']),
          },
          { requiredKeys: ['request'] },
        ),
        status: fc.record(
          { conditions: fc.constant([{ type: 'Approved', status: 'True' }]), certificate: fc.constant('eA==') },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: ['spec'] },
    )
    .map((o) => JSON.stringify(o));
}

// ---- deep documents ------------------------------------------------------------------------------------

/** A nesting depth from 10 to 1,000,000: log-uniform, or at kube's limit (10,000) and far past it (bodies fit 3 MiB). */
const logDepth = fc.oneof(
  fc.double({ min: 1, max: 6, noNaN: true }).map((e) => Math.round(10 ** e)),
  fc.constantFrom(10_000, 10_001, 100_000, 200_000, 500_000, 1_000_000),
);

/** A document nested d deep in one of YAML's and JSON's shapes (block styles indent, so they stay shallower). */
export const deepDocument: fc.Arbitrary<{ text: string; yamlOnly: boolean; depth: number }> = fc
  .tuple(logDepth, fc.constantFrom('flow-seq', 'flow-map', 'mixed', 'block-seq', 'block-map'))
  .map(([d, shape]) => {
    switch (shape) {
      case 'flow-seq':
        return { text: nested(d, '[', ']'), yamlOnly: false, depth: d };
      case 'flow-map':
        return { text: `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`, yamlOnly: false, depth: d };
      case 'mixed':
        return {
          text: `${'[{"a":'.repeat(Math.ceil(d / 2))}1${'}]'.repeat(Math.ceil(d / 2))}`,
          yamlOnly: false,
          depth: d,
        };
      default: {
        // n(n+1)/2 bytes of indentation: at most 1,000 levels (500 KB).
        const n = Math.min(d, 1000);
        const item = shape === 'block-seq' ? '- ' : 'a:';
        return {
          text: `${Array.from({ length: n }, (_, i) => `${' '.repeat(i)}${item}`).join('\n')} x\n`,
          yamlOnly: true,
          depth: n,
        };
      }
    }
  });
