/**
 * The operations access needs perform, as Azure names them (Microsoft Learn, "Azure resource
 * provider operations"): facts about the services, judged against roles by the permission model.
 */
import { action, dataAction } from './permissions.js';

export const SECRET_GET = dataAction('Microsoft.KeyVault/vaults/secrets/getSecret/action');
export const KEY_WRAP = dataAction('Microsoft.KeyVault/vaults/keys/wrap/action');
export const KEY_UNWRAP = dataAction('Microsoft.KeyVault/vaults/keys/unwrap/action');
export const ACR_PULL = action('Microsoft.ContainerRegistry/registries/pull/read');
export const BLOB_READ = dataAction('Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read');
export const BLOB_WRITE = dataAction('Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write');
export const QUEUE_READ = dataAction('Microsoft.Storage/storageAccounts/queueServices/queues/messages/read');
export const QUEUE_ADD = dataAction('Microsoft.Storage/storageAccounts/queueServices/queues/messages/add/action');
export const SERVICE_BUS_OPS = [
  dataAction('Microsoft.ServiceBus/namespaces/messages/receive/action'),
  dataAction('Microsoft.ServiceBus/namespaces/messages/send/action'),
];
export const EVENT_HUBS_OPS = [
  dataAction('Microsoft.EventHub/namespaces/messages/receive/action'),
  dataAction('Microsoft.EventHub/namespaces/messages/send/action'),
];
