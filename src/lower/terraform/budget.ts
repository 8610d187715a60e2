/**
 * What one Terraform root may ask of the evaluator. A budget that runs out is a finding
 * (`analysis-budget`) and what it covers is analysed with unknown values, never dropped: a loop
 * past its budget becomes one instance with an unknown index, an expression past it an unknown.
 */
import type { Location } from '../../model/location.js';
import type { Diagnostic } from '../../model/template.js';
import { budgetExceeded } from '../problems.js';

export const TERRAFORM_LIMITS = {
  /** Elements of one `count` / `for_each`. */
  maxLoop: 1000,
  /** Resource and module instances per root. */
  maxInstances: 20_000,
  /** Module instances per root (each holds a whole configuration). */
  maxModuleInstances: 2_000,
  /** Expression evaluations per root. */
  maxSteps: 5_000_000,
  /** References followed inside one another (local.a reads local.b reads ...). */
  maxDepth: 400,
};

export class EvaluationBudget {
  instances = 0;
  moduleInstances = 0;
  steps = 0;
  depth = 0;
  private stepsReported = false;
  limits = TERRAFORM_LIMITS;
  report?: (d: Diagnostic) => void;

  /** Starts a new root. */
  reset(report: ((d: Diagnostic) => void) | undefined): void {
    this.instances = 0;
    this.moduleInstances = 0;
    this.steps = 0;
    this.depth = 0;
    this.stepsReported = false;
    this.report = report;
  }

  /**
   * Whether a loop of `n` elements at `at` is analysed abstractly (too long, or the root has no
   * instances left); when it is, the finding says why.
   */
  loopTooLarge(n: number, meta: string, at: Location, modules = false): boolean {
    const { maxLoop, maxInstances, maxModuleInstances } = this.limits;
    if (n > maxLoop) {
      this.report?.(budgetExceeded(`'${meta}' asks for ${n} instances, more than the ${maxLoop} grantlint expands`, at));
      return true;
    }
    if (modules && this.moduleInstances + n > maxModuleInstances) {
      this.report?.(budgetExceeded(`This root module already has ${this.moduleInstances} module instances, and '${meta}' would go past the ${maxModuleInstances} grantlint analyses per root`, at));
      return true;
    }
    if (modules) this.moduleInstances += n;
    if (this.instances + n > maxInstances) {
      this.report?.(budgetExceeded(`This root module already has ${this.instances} instances, and '${meta}' would go past the ${maxInstances} grantlint analyses per root`, at));
      return true;
    }
    this.instances += n;
    return false;
  }

  /** Counts one evaluation step; false once the root's steps are spent (reported once). */
  step(at: Location): boolean {
    if (++this.steps <= this.limits.maxSteps) return true;
    if (!this.stepsReported) {
      this.stepsReported = true;
      this.report?.(budgetExceeded(`Evaluation stopped here after ${this.limits.maxSteps} steps in this root module`, at));
    }
    return false;
  }

  /** Enters a nested reference; false (reported) past the depth limit. */
  enter(at: Location): boolean {
    if (this.depth >= this.limits.maxDepth) {
      this.report?.(budgetExceeded(`References here are nested deeper than ${this.limits.maxDepth} levels`, at));
      return false;
    }
    this.depth++;
    return true;
  }

  leave(): void {
    this.depth--;
  }
}
