// --enable-admission-plugins / --disable-admission-plugins, after apiserver's AdmissionOptions tests:
// the default-on set, enabling and disabling, and kube's errors for unknown and overlapping names.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  admissionPluginErrors,
  enabledAdmissionPlugins,
  selectAdmissionPlugins,
} from '../../../src/admission/enabled-plugins.js';
import type { AdmissionPlugin } from '../../../src/admission/interface.js';

const DEFAULT_ON = [
  'NamespaceLifecycle',
  'ServiceAccount',
  'CertificateApproval',
  'CertificateSigning',
  'CertificateSubjectRestriction',
];

describe('enabled admission plugins', () => {
  const cases: { title: string; enable: string[]; disable: string[]; want?: string[]; errors?: string[] }[] = [
    { title: "kube-apiserver's defaults: NodeRestriction is off", enable: [], disable: [], want: DEFAULT_ON },
    {
      title: 'kubeadm: NodeRestriction on',
      enable: ['NodeRestriction'],
      disable: [],
      want: [
        'NamespaceLifecycle',
        'ServiceAccount',
        'NodeRestriction',
        'CertificateApproval',
        'CertificateSigning',
        'CertificateSubjectRestriction',
      ],
    },
    {
      title: 'a default one disabled',
      enable: ['NodeRestriction'],
      disable: ['ServiceAccount'],
      want: [
        'NamespaceLifecycle',
        'NodeRestriction',
        'CertificateApproval',
        'CertificateSigning',
        'CertificateSubjectRestriction',
      ],
    },
    { title: 'enabling a default one changes nothing', enable: ['NamespaceLifecycle'], disable: [], want: DEFAULT_ON },
    {
      title: 'unknown names',
      enable: ['AlwaysAdmitz'],
      disable: ['ServiceIPAllocator'],
      errors: [
        'enable-admission-plugins plugin "AlwaysAdmitz" is unknown',
        'disable-admission-plugins plugin "ServiceIPAllocator" is unknown',
      ],
    },
    {
      title: 'overlap',
      enable: ['NodeRestriction', 'ServiceAccount'],
      disable: ['ServiceAccount', 'NodeRestriction'],
      errors: ['[NodeRestriction ServiceAccount] in enable-admission-plugins and disable-admission-plugins overlapped'],
    },
  ];
  for (const c of cases) {
    it(c.title, () => {
      assert.deepEqual(admissionPluginErrors(c.enable, c.disable), c.errors ?? []);
      if (c.errors) assert.throws(() => enabledAdmissionPlugins(c.enable, c.disable), { message: c.errors.join('; ') });
      else assert.deepEqual([...enabledAdmissionPlugins(c.enable, c.disable)], c.want);
    });
  }

  it("keeps kauth's internal steps and drops the plugins that are off", () => {
    const chain: AdmissionPlugin[] = [
      'NamespaceLifecycle',
      'ServiceAccount',
      'NodeRestriction',
      'ServiceIPAllocator',
      'RBACEscalation',
      'CertificateSigning',
    ].map((name) => ({ name }));
    assert.deepEqual(
      selectAdmissionPlugins(chain, [], ['ServiceAccount']).map((p) => p.name),
      ['NamespaceLifecycle', 'ServiceIPAllocator', 'RBACEscalation', 'CertificateSigning'],
    );
    assert.deepEqual(
      selectAdmissionPlugins(chain, ['NodeRestriction'], []).map((p) => p.name),
      chain.map((p) => p.name),
    );
  });
});
