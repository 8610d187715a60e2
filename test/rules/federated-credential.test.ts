import { describe } from 'vitest';
import { ruleCases } from '../helpers/rule-tester.js';

const GITHUB = 'https://token.actions.githubusercontent.com';
const bicepIdentity = `resource orders 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'orders'
  location: 'westeurope'
}
`;
const bicepCredential = (o: { issuer?: string; subject?: string; audiences?: string }) => `resource credential 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = {
  parent: orders
  name: 'credential'
  properties: {
    issuer: ${o.issuer ?? `'${GITHUB}'`}
    subject: ${o.subject ?? "'repo:contoso/orders:environment:production'"}
    audiences: ${o.audiences ?? "[\n      'api://AzureADTokenExchange'\n    ]"}
  }
}
`;
const CREDENTIAL_LINE = 5;
const aks = (properties: string, existing = false) =>
  existing
    ? "resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' existing = {\n  name: 'aks'\n}\n"
    : `resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: 'aks'
  location: 'westeurope'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
${properties}  }
}
`;
const AKS_ISSUER = 'aks.properties.oidcIssuerProfile.issuerURL';
const ON = "    oidcIssuerProfile: {\n      enabled: true\n    }\n    securityProfile: {\n      workloadIdentity: {\n        enabled: true\n      }\n    }\n";

const tfCredential = (subject: string, extra = '') => `resource "azurerm_user_assigned_identity" "release" {
  name                = "release"
  resource_group_name = "rg"
  location            = "westeurope"
}
${extra}resource "azurerm_federated_identity_credential" "release" {
  name                = "release"
  resource_group_name = "rg"
  parent_id           = azurerm_user_assigned_identity.release.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = "${GITHUB}"
  subject             = ${subject}
}
`;
const tfAks = `resource "azurerm_kubernetes_cluster" "orders" {
  name                      = "orders"
  location                  = "westeurope"
  resource_group_name       = "rg"
  dns_prefix                = "orders"
  oidc_issuer_enabled       = true
  workload_identity_enabled = true
  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 1
  }
  identity {
    type = "SystemAssigned"
  }
}
resource "azurerm_user_assigned_identity" "api" {
  name                = "api"
  resource_group_name = "rg"
  location            = "westeurope"
}
`;
const tfAksCredential = (subject: string) => `resource "azurerm_federated_identity_credential" "api" {
  name                = "api"
  resource_group_name = "rg"
  parent_id           = azurerm_user_assigned_identity.api.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = azurerm_kubernetes_cluster.orders.oidc_issuer_url
  subject             = ${subject}
}
`;
const serviceAccount = (name: string, namespace: string | undefined, clientId = '00000000-1111-2222-3333-444444444444') => `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${name}
${namespace ? `  namespace: ${namespace}\n` : ''}  annotations:
    azure.workload.identity/client-id: ${clientId}
`;

describe('federated-credential', () => {
  ruleCases('federated-credential', [
    {
      name: "Bicep: GitHub's default audience instead of Entra's",
      files: { 'main.bicep': bicepIdentity + bicepCredential({ audiences: "[\n      'https://github.com/contoso'\n    ]" }) },
      findings: [{ file: 'main.bicep', line: CREDENTIAL_LINE, message: "its audiences are ['https://github.com/contoso'], not exactly ['api://AzureADTokenExchange']" }],
    },
    {
      name: 'Bicep: the public-cloud audience',
      files: { 'main.bicep': bicepIdentity + bicepCredential({}) },
      findings: [],
    },
    {
      name: "Bicep: the US Government cloud's audience",
      files: { 'main.bicep': bicepIdentity + bicepCredential({ audiences: "[\n      'api://AzureADTokenExchangeUSGov'\n    ]" }) },
      findings: [],
    },
    {
      name: 'Bicep: two audiences are not exactly one',
      files: { 'main.bicep': bicepIdentity + bicepCredential({ audiences: "[\n      'api://AzureADTokenExchange'\n      'api://AzureADTokenExchangeUSGov'\n    ]" }) },
      findings: [{ file: 'main.bicep', line: CREDENTIAL_LINE }],
    },
    {
      name: 'Bicep: audiences from a parameter are not judged',
      files: { 'main.bicep': 'param audiences array\n' + bicepIdentity + bicepCredential({ audiences: 'audiences' }) },
      findings: [],
    },
    {
      name: 'Bicep: an AKS issuer with workload identity off',
      files: { 'main.bicep': bicepIdentity + aks("    oidcIssuerProfile: {\n      enabled: true\n    }\n") + bicepCredential({ issuer: AKS_ISSUER, subject: "'system:serviceaccount:orders:api'" }) },
      findings: [{ file: 'main.bicep', line: 17, message: "its issuer is AKS cluster 'aks', which has workload identity turned off, so no pod gets a token to exchange (set securityProfile.workloadIdentity.enabled: true)" }],
    },
    {
      name: 'Bicep: an AKS issuer with both switches on',
      files: { 'main.bicep': bicepIdentity + aks(ON) + bicepCredential({ issuer: AKS_ISSUER, subject: "'system:serviceaccount:orders:api'" }) },
      findings: [],
    },
    {
      name: 'Bicep: the OIDC issuer unwritten on an older Kubernetes version is off',
      files: { 'main.bicep': bicepIdentity + aks("    kubernetesVersion: '1.29.4'\n    securityProfile: {\n      workloadIdentity: {\n        enabled: true\n      }\n    }\n") + bicepCredential({ issuer: AKS_ISSUER, subject: "'system:serviceaccount:orders:api'" }) },
      findings: [{ file: 'main.bicep', line: 20, message: 'which has the OIDC issuer turned off' }],
    },
    {
      name: 'Bicep: the OIDC issuer unwritten and no version is not known',
      files: { 'main.bicep': bicepIdentity + aks("    securityProfile: {\n      workloadIdentity: {\n        enabled: true\n      }\n    }\n") + bicepCredential({ issuer: AKS_ISSUER, subject: "'system:serviceaccount:orders:api'" }) },
      findings: [],
    },
    {
      name: 'Bicep: switches from parameters may be on',
      files: { 'main.bicep': 'param wi bool = false\n' + bicepIdentity + aks("    oidcIssuerProfile: {\n      enabled: true\n    }\n    securityProfile: {\n      workloadIdentity: {\n        enabled: wi\n      }\n    }\n") + bicepCredential({ issuer: AKS_ISSUER, subject: "'system:serviceaccount:orders:api'" }) },
      findings: [],
    },
    {
      name: "Bicep: a cluster only read here: its switches are not known, its subject format is",
      files: { 'main.bicep': bicepIdentity + aks('', true) + bicepCredential({ issuer: AKS_ISSUER, subject: "'orders:api'" }) },
      findings: [{ file: 'main.bicep', line: 8, message: "its subject 'orders:api' is not system:serviceaccount:<namespace>:<name>" }],
    },
    {
      name: 'Bicep: a service-account subject with parts from parameters is judged on what is known',
      files: { 'main.bicep': 'param ns string\n' + bicepIdentity + aks(ON) + bicepCredential({ issuer: AKS_ISSUER, subject: "'system:serviceaccount:${ns}:api'" }) },
      findings: [],
    },
    {
      name: 'Bicep: an AKS issuer URL written out',
      files: { 'main.bicep': bicepIdentity + bicepCredential({ issuer: "'https://westeurope.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000000/11111111-1111-1111-1111-111111111111/'", subject: "'system:serviceaccount:Orders:api'" }) },
      findings: [{ file: 'main.bicep', line: CREDENTIAL_LINE, message: 'is not system:serviceaccount' }],
    },
    {
      name: 'Terraform: a GitHub subject without its ref: prefix',
      files: { 'main.tf': tfCredential('"repo:contoso/orders:refs/heads/main"') },
      findings: [{ file: 'main.tf', line: 6, message: "its subject 'repo:contoso/orders:refs/heads/main' is not a GitHub Actions subject" }],
    },
    {
      name: 'Terraform: GitHub branch, tag, environment and pull request subjects',
      files: {
        'main.tf': ['ref:refs/heads/main', 'ref:refs/tags/v1.2.0', 'environment:production', 'pull_request']
          .map((s, i) => tfCredential(`"repo:contoso/orders:${s}"`).replace(/"release"/g, `"r${i}"`).replace(/\.release\./g, `.r${i}.`))
          .join(''),
      },
      findings: [],
    },
    {
      name: 'Terraform: a subject from a customised claim (no repo: prefix) is not judged',
      files: { 'main.tf': tfCredential('"job_workflow_ref:contoso/pipelines/.github/workflows/deploy.yml@refs/heads/main"') },
      findings: [],
    },
    {
      name: 'Terraform: a subject with an unknown repository is judged on what is known',
      files: { 'main.tf': 'variable "repo" { type = string }\n' + tfCredential('"repo:${var.repo}:ref:refs/heads/main"') },
      findings: [],
    },
    {
      name: 'Terraform: a misspelt pull_request',
      files: { 'main.tf': tfCredential('"repo:contoso/orders:pull-request"') },
      findings: [{ file: 'main.tf', line: 6 }],
    },
    {
      name: 'Terraform (azuread): an application credential with the wrong audience',
      files: {
        'main.tf': `resource "azuread_application_federated_identity_credential" "deploy" {
  application_id = "/applications/00000000-0000-0000-0000-000000000000"
  display_name   = "deploy"
  audiences      = ["api://AzureADTokenExchange/.default"]
  issuer         = "${GITHUB}"
  subject        = "repo:contoso/orders:environment:production"
}
`,
      },
      findings: [{ file: 'main.tf', line: 1, message: 'its audiences are ["api://AzureADTokenExchange/.default"], not exactly ["api://AzureADTokenExchange"]' }],
    },
    {
      name: 'Terraform (azapi): a credential of an identity',
      files: {
        'main.tf': `resource "azapi_resource" "orders" {
  type      = "Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31"
  name      = "orders"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg"
}
resource "azapi_resource" "credential" {
  type      = "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31"
  name      = "github"
  parent_id = azapi_resource.orders.id
  body = {
    properties = {
      issuer    = "${GITHUB}"
      subject   = "repo:contoso/orders:branch:main"
      audiences = ["api://AzureADTokenExchange"]
    }
  }
}
`,
      },
      findings: [{ file: 'main.tf', line: 6 }],
    },
    {
      name: 'Kubernetes: a service account no credential trusts',
      files: { 'main.tf': tfAks + tfAksCredential('"system:serviceaccount:orders:api"'), 'k8s/accounts.yaml': `${serviceAccount('api', 'orders')}---\n${serviceAccount('reports', 'orders', '${REPORTS_CLIENT_ID}')}` },
      findings: [{ file: 'k8s/accounts.yaml', line: 9, message: "Service account 'reports' asks for a workload identity, but no federated credential declared here trusts it" }],
    },
    {
      name: 'Kubernetes: a manifest without a namespace matches a credential for its name',
      files: { 'main.tf': tfAks + tfAksCredential('"system:serviceaccount:orders:api"'), 'sa.yml': serviceAccount('api', undefined, '"{{ .Values.clientId }}"') },
      findings: [],
    },
    {
      name: 'Kubernetes: no credential for service accounts declared here: not judged',
      files: { 'main.tf': tfCredential('"repo:contoso/orders:environment:production"'), 'sa.yaml': serviceAccount('api', 'orders') },
      findings: [],
    },
    {
      name: 'Kubernetes: a credential whose subject is not known may trust it',
      files: { 'main.tf': 'variable "subject" { type = string }\n' + tfAks + tfAksCredential('"system:serviceaccount:orders:api"') + tfAksCredential('var.subject').replace('"api"', '"other"').replace('"api"', '"other"'), 'sa.yaml': serviceAccount('reports', 'orders') },
      findings: [],
    },
    {
      name: 'Kubernetes: Helm templates and other YAML are skipped without a word',
      files: {
        'main.tf': tfAks + tfAksCredential('"system:serviceaccount:orders:api"'),
        'chart/templates/sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ include "chart.fullname" . }}\n  annotations:\n    azure.workload.identity/client-id: {{ .Values.clientId }}\n{{- if .Values.labels }}\n  labels: {{ toYaml .Values.labels | nindent 4 }}\n{{- end }}\n',
        'deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n',
        '.github/workflows/ci.yml': 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n',
      },
      findings: [],
    },
  ]);
});

describe('Kubernetes manifests and the other rules', () => {
  ruleCases('parse-error', [
    {
      name: 'a YAML file that is not valid YAML is no parse error',
      files: { 'main.tf': tfAks, 'bad.yaml': 'kind: ServiceAccount\n  azure.workload.identity/client-id: [\n' },
      findings: [],
    },
  ]);
});
