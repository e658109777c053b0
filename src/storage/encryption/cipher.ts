// One key's encryption of stored bytes. `context` is the storage key (kube's value.Context, DefaultContext(key)):
// AES-GCM binds it as additional authenticated data, so a value copied to another key does not decrypt.
export interface Cipher {
  seal(plaintext: Buffer, context: Buffer): Buffer;
  /** Throws when the data is not this key's (wrong key, tampered, truncated). */
  open(data: Buffer, context: Buffer): Buffer;
}
