// metav1.Time on the wire: RFC 3339 in UTC, whole seconds (`2024-01-02T03:04:05Z`).
export function kubeTime(d: Date = new Date()): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
