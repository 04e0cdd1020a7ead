import { Kubectl } from '../kube/kubectl.js';

/** Where a deploy action talks to: its kubeconfig/context/namespace inputs (empty = kubectl's default). */
export interface ClusterTarget {
  kubeconfig: string;
  context: string;
  namespace: string;
}

export function kubectlFor(target: ClusterTarget): Kubectl {
  return new Kubectl({
    ...(target.kubeconfig ? { kubeconfig: target.kubeconfig } : {}),
    ...(target.context ? { context: target.context } : {}),
    ...(target.namespace ? { namespace: target.namespace } : {}),
  });
}
