// Store keys ↔ etcd keys. kube-apiserver's --etcd-prefix (default /registry) replaces the leading
// `/registry` of every key kauth uses, so with the default the keys in etcd are exactly kube's
// (`/registry/configmaps/default/shared`). Ranges are computed on the UTF-8 bytes, as etcd compares them.

export class EtcdKeyspace {
  /**
   * @param storePrefix what every store key starts with (`/registry`)
   * @param etcdPrefix what replaces it in etcd (--etcd-prefix)
   */
  constructor(
    readonly storePrefix: string,
    readonly etcdPrefix: string,
  ) {}

  toEtcd(key: string): Buffer {
    if (!key.startsWith(this.storePrefix))
      throw new Error(`key outside the store's prefix ${this.storePrefix}: ${key}`);
    return Buffer.from(this.etcdPrefix + key.slice(this.storePrefix.length), 'utf8');
  }

  /** A store prefix, which may be shorter than the store's own prefix only when it is a prefix of it. */
  prefixToEtcd(prefix: string): Buffer {
    if (this.storePrefix.startsWith(prefix)) return Buffer.from(this.etcdPrefix, 'utf8');
    return this.toEtcd(prefix);
  }

  fromEtcd(key: Buffer): string {
    return this.storePrefix + key.toString('utf8').slice(this.etcdPrefix.length);
  }
}

/** etcd's GetPrefixRangeEnd on bytes: the smallest key greater than every key with this prefix. */
export function bytePrefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i] = end[i]! + 1;
      return end.subarray(0, i + 1);
    }
  }
  // Every byte is 0xff (or the prefix is empty): the range runs to the end of the keyspace.
  return Buffer.from([0]);
}

/** The smallest key greater than key: key followed by a zero byte. */
export function keySuccessor(key: Buffer): Buffer {
  return Buffer.concat([key, Buffer.from([0])]);
}
