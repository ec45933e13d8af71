import { z } from 'zod';
import { subjectSchema } from '../../control-states.js';

/** A DNS-1123 name (Kubernetes object and namespace names). */
const kubeName = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/,
    'a Kubernetes name (lower-case letters, digits, "-", ".")',
  );

/** One workload whose `scale` subresource Headroom sets for the replicas control of `subject`. */
export const kubeWorkloadSchema = z.strictObject({
  subject: subjectSchema,
  resource: z.enum(['deployments', 'statefulsets']).default('deployments'),
  name: kubeName,
  /** Default: the target's namespace. */
  namespace: kubeName.optional(),
});

/** Settings of a Kubernetes target (besides id, kind, mode, bounds, guard). */
export const kubernetesSettingsSchema = z.strictObject({
  /**
   * Kubeconfig file. Absent: the in-cluster service account (token and CA under
   * /var/run/secrets/kubernetes.io/serviceaccount, KUBERNETES_SERVICE_HOST/PORT).
   */
  kubeconfig: z.string().min(1).optional(),
  /** Kubeconfig context; default: its current-context. */
  context: z.string().min(1).optional(),
  /** Default namespace of workloads; default: the kubeconfig context's, else "default". */
  namespace: kubeName.optional(),
  /**
   * `merge_patch`: PATCH application/merge-patch+json with metadata.resourceVersion from a fresh
   * read (the API server answers 409 when someone else changed the scale in between);
   * `replace`: PUT the whole Scale object with its resourceVersion.
   */
  update: z.enum(['merge_patch', 'replace']).default('merge_patch'),
  /** Re-read and retry this many times on 409 Conflict before reporting a (retryable) failure. */
  conflictRetries: z.number().int().min(0).max(10).default(3),
  fieldManager: z.string().min(1).max(128).default('headroom'),
  workloads: z.array(kubeWorkloadSchema).min(1),
});

export type KubernetesSettings = z.infer<typeof kubernetesSettingsSchema>;
export type KubeWorkload = z.infer<typeof kubeWorkloadSchema>;

export function kubernetesSettingsIssues(
  s: KubernetesSettings,
): { path: (string | number)[]; message: string }[] {
  const seen = new Set<string>();
  const issues: { path: (string | number)[]; message: string }[] = [];
  s.workloads.forEach((w, i) => {
    const key = JSON.stringify(Object.entries(w.subject).sort());
    if (seen.has(key)) issues.push({ path: ['workloads', i, 'subject'], message: 'duplicate subject' });
    seen.add(key);
  });
  return issues;
}
