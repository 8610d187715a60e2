/**
 * A local ARM JSON template used as a module by another front end (Bicep `module x 'x.json'`):
 * the caller binds the parameters, the template's instances join the caller's analysis and its
 * outputs flow back.
 */
import type { FrontEndHost } from '../types.js';
import type { Location } from '../../model/location.js';
import { basename } from 'node:path';
import type { Diagnostic, ExportedValue, ResourceInstance } from '../../model/template.js';
import { fileStart, internalError } from '../problems.js';
import type { ScopeLevel, ScopeValue, Value } from '../../model/value.js';
import { parseJson, stringProp } from '../../syntax/json/index.js';
import { Deployment, outputNames, readOutput, runTemplate, schemaLevel, templateCtx, type Session, type Source } from './evaluate.js';

const MODULE_BUDGET = { instances: 20_000, deployments: 2_000 };

export interface ArmModuleCall {
  /** Parameter values by name (any case). */
  params: Map<string, Value>;
  callChain: Location[];
  deploymentScope: ScopeValue;
  /** Makes instance keys unique per call. */
  keyPrefix: string;
}

export interface ArmModuleInstance {
  resources: ResourceInstance[];
  /** What the module's analysis reports: unreadable linked templates, cycles, budgets, defects. */
  diagnostics: Diagnostic[];
  /** The template's outputs (and those of its nested deployments). */
  exports: ExportedValue[];
  output(name: string): Value | undefined;
  outputNames: string[];
}

export interface ArmModule {
  /** The deployment level its `$schema` names. */
  level: ScopeLevel;
  instantiate(call: ArmModuleCall): ArmModuleInstance;
}

/** The template in `file`, or undefined when it cannot be read, does not parse or is no deployment template. */
export function loadArmModule(file: string, host: FrontEndHost): ArmModule | undefined {
  const text = host.readFile(file);
  if (text === undefined) return undefined;
  const doc = parseJson(text);
  const root = doc.root;
  if (!root || root.type !== 'object') return undefined;
  const level = schemaLevel(stringProp(root, '$schema'));
  if (!level) return undefined;
  const src: Source = { file, doc };
  return {
    level,
    instantiate(call) {
      const diagnostics: Diagnostic[] = [];
      const session: Session = {
        resources: [],
        exports: [],
        budget: { ...MODULE_BUDGET },
        readProblem: (path) => host.readProblem?.(path),
        report: (d) => diagnostics.push(d),
        loadLinked(path) {
          const linked = host.readFile(path);
          if (linked === undefined) return undefined;
          const linkedDoc = parseJson(linked);
          return linkedDoc.root ? { file: path, doc: linkedDoc } : undefined;
        },
      };
      const given = new Map([...call.params].map(([k, v]) => [k.toLowerCase(), v]));
      const ctx = templateCtx({
        session,
        src,
        template: root,
        pointer: '',
        given,
        symbolBase: file,
        exprScope: call.deploymentScope,
        targetScope: call.deploymentScope,
        deployment: new Deployment(undefined, 0),
        callChain: call.callChain,
        keyPrefix: call.keyPrefix,
        fileChain: [file],
      });
      try {
        runTemplate(ctx);
      } catch (e) {
        // What was lowered so far stays, and the failure is a finding where the module is called.
        diagnostics.push(internalError(`the module template ${basename(file)}`, e, call.callChain.at(-1) ?? fileStart(file)));
      }
      return { resources: session.resources, diagnostics, exports: session.exports ?? [], output: (name) => readOutput(ctx, name), outputNames: outputNames(ctx) };
    },
  };
}
