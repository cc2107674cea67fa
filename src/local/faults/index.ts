import type { InjectedFault } from '../local-runner';
import { FAULT_SERVICES, type FaultPlan } from './fault-plan';
import { startFaultProxy, type FaultProxy, type FaultService } from './fault-proxy';
import { lambdaFaultInjector } from './lambda-faults';

export { FaultPlanSchema, parseFaultPlan, seededRandom, type FaultPlan } from './fault-plan';

export interface LocalFaults {
  /** Where clients reach each service: its interceptor when the plan has faults for it, else the stand-in. */
  endpoints: Record<FaultService, string>;
  /** The plan's Lambda faults, for the local runner (undefined without any). */
  injectFault: ((functionKey: string, invocationNumber: number) => InjectedFault | undefined) | undefined;
  /** Every fault injected so far, by kind. */
  injected(): Record<string, number>;
  close(): Promise<void>;
}

/** Puts an interceptor in front of each stand-in the plan has faults for (see `startFaultProxy`). */
export async function startLocalFaults(plan: FaultPlan | undefined, standIns: Record<FaultService, string>): Promise<LocalFaults> {
  const proxies: FaultProxy[] = [];
  const endpoints = { ...standIns };
  const lambda = plan?.lambda?.length ? lambdaFaultInjector(plan) : undefined;
  try {
    for (const service of FAULT_SERVICES) {
      const wanted = plan && ((plan.http ?? []).some((rule) => rule.service === service) || (service === 'personalize' && (plan.jobs ?? []).length > 0));
      if (!wanted) continue;
      const proxy = await startFaultProxy({ service, target: standIns[service], plan });
      proxies.push(proxy);
      endpoints[service] = proxy.endpoint;
    }
  } catch (error) {
    await Promise.all(proxies.map((proxy) => proxy.close().catch(() => undefined)));
    throw error;
  }
  return {
    endpoints,
    injectFault: lambda?.injectFault,
    injected: () => Object.assign({}, lambda?.injected(), ...proxies.map((proxy) => proxy.injected())) as Record<string, number>,
    close: async () => {
      await Promise.all(proxies.map((proxy) => proxy.close().catch(() => undefined)));
    },
  };
}
