import type { InjectedFault } from '../local-runner';
import { triggersFor, type FaultPlan } from './fault-plan';

/** The ASL's Task TimeoutSeconds: how long a timed-out invocation lasts before States.Timeout. */
const DEFAULT_TIMEOUT_SECONDS = 120;

/**
 * The plan's Lambda faults as the local runner's `injectFault`: each rule counts the invocations of
 * its function and fires by call number or seeded probability.
 */
export function lambdaFaultInjector(plan: FaultPlan): {
  injectFault: (functionKey: string, invocationNumber: number) => InjectedFault | undefined;
  injected: () => Record<string, number>;
} {
  const rules = triggersFor(plan.lambda, plan.seed ?? 1, 2000);
  const counts: Record<string, number> = {};
  return {
    injectFault(functionKey) {
      const fired = rules.find(({ rule, trigger }) => rule.function === functionKey && trigger.fires());
      if (!fired) return undefined;
      const { rule } = fired;
      counts[`${rule.function} ${rule.fault}`] = (counts[`${rule.function} ${rule.fault}`] ?? 0) + 1;
      switch (rule.fault) {
        case 'error':
          return rule.error ?? 'Lambda.ServiceException';
        case 'timeout':
          return { error: 'States.Timeout', afterHandler: true, holdSeconds: rule.seconds ?? DEFAULT_TIMEOUT_SECONDS };
        case 'crashAfterSideEffect':
          return { error: rule.error ?? 'Lambda.Unknown', afterHandler: true };
      }
    },
    injected: () => ({ ...counts }),
  };
}
