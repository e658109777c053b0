// The gateway's access policy: who may reach which cluster through it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mayReachCluster } from '../../../src/gateway/access.js';

const alice = { username: 'alice', groups: ['devs', 'system:authenticated'] };
const bob = { username: 'bob', groups: ['ops', 'system:authenticated'] };

describe('mayReachCluster', () => {
  const policy = [
    { clusters: ['east'], users: [], groups: ['devs'] },
    { clusters: ['*'], users: ['bob'], groups: [] },
  ];
  const cases: { name: string; access?: typeof policy; user: typeof alice; cluster: string; want: boolean }[] = [
    { name: 'no policy lets everyone reach everything', user: alice, cluster: 'west', want: true },
    { name: 'a group rule for the cluster', access: policy, user: alice, cluster: 'east', want: true },
    { name: 'a group rule for another cluster', access: policy, user: alice, cluster: 'west', want: false },
    { name: 'a user rule for every cluster', access: policy, user: bob, cluster: 'west', want: true },
    { name: 'an empty policy lets nobody through', access: [], user: bob, cluster: 'east', want: false },
    {
      name: 'a group name is not a user name',
      access: [{ clusters: ['*'], users: ['devs'], groups: [] }],
      user: alice,
      cluster: 'east',
      want: false,
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(mayReachCluster(c.access, c.user, c.cluster), c.want));
});
