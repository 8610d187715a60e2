import { describe, expect, it } from 'vitest';
import { fileKind } from '../../src/discover/discover.js';

describe('file kinds', () => {
  it('YAML files are read for Kubernetes manifests; grantlint configuration is not', () => {
    expect(fileKind('k8s/service-account.yaml')).toBe('yaml');
    expect(fileKind('charts/app/templates/sa.YML')).toBe('yaml');
    expect(fileKind('.grantlint.yaml')).toBeUndefined();
    expect(fileKind('infra/.grantlint.yml')).toBeUndefined();
    expect(fileKind('main.bicep')).toBe('bicep');
  });
});
