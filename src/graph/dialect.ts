import type { ResourceInstance } from '../model/template.js';

/**
 * The language a rule's advice is written in for a declaration: Bicep/ARM properties, Terraform
 * arguments, az CLI flags or Azure PowerShell parameters (a script's commands keep their own).
 */
export type AdviceDialect = 'arm' | 'terraform' | 'azcli' | 'powershell';

export function adviceDialect(r: ResourceInstance): AdviceDialect {
  if (r.command) return r.command.dialect;
  return r.format === 'terraform' ? 'terraform' : 'arm';
}

/** A script command's argument as written, by the first of `flags` it passes (case-insensitive). */
export function writtenArgument(r: ResourceInstance, ...flags: string[]): { flag: string; text: string } | undefined {
  const args = r.command?.args ?? {};
  for (const want of flags) {
    const flag = Object.keys(args).find((k) => k.toLowerCase() === want.toLowerCase());
    if (flag !== undefined) return { flag, text: args[flag] };
  }
  return undefined;
}
