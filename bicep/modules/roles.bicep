// Role assignments of the app's identity and of the job identity, each scoped to the resource it is about.
// Names are guid(scope, principal, role) so that a redeployment finds the same assignment.
// The app's identity: the app's own work (registry push and pull, logs, state, jobs). The job identity: AcrPull on
// the registry and nothing else; jobs never name the app's identity.
param principalId string
@description('Principal of the job identity (AcrPull only).')
param jobPrincipalId string
param jobIdentityName string
param registryName string
param workspaceName string
param storageAccountName string
param environmentName string

// Built-in role definition ids (the same in every tenant).
var acrPull = '7f951dda-4ed3-4680-a7ca-43fe172d538d'
var acrPush = '8311e382-0749-4cb8-b61a-304f252e45ec'
var logAnalyticsReader = '73c42c96-874c-492b-b04d-ab87d138a893'
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var containerAppsJobsContributor = '4e3d2b60-56ae-4dc6-a233-09c8e5a82e68'
var containerAppsJobsOperator = 'b9a307c4-5aa3-4b52-ba60-2b17c136cd7b'
var managedIdentityOperator = 'f1a07417-d97a-45cb-824c-7a7467783830'

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: workspaceName
}

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource environment 'Microsoft.App/managedEnvironments@2025-01-01' existing = {
  name: environmentName
}

resource jobIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: jobIdentityName
}

// The job identity's only role: jobs pull their images with it (registries[].identity). Granted here, before any
// job exists (a job's system-assigned identity would not exist before the job, so it could not be granted in time).
resource jobPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, jobPrincipalId, acrPull)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPull)
    principalId: jobPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// `docker load` pushes to the staging registry, and `docker pull` reads manifests and configs: AcrPush includes
// pull, so the app's identity needs no AcrPull of its own.
resource push 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, principalId, acrPush)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPush)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// `docker logs` queries the workspace.
resource logsReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(workspace.id, principalId, logAnalyticsReader)
  scope: workspace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', logAnalyticsReader)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// State tables, the Functions host (and durable hub: blobs, queues, tables), `docker load ?fromBlob=`.
resource tables 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, principalId, storageTableDataContributor)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource queues 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, principalId, storageQueueDataContributor)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource blobs 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, principalId, storageBlobDataOwner)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Later job operations: create, update, delete (Contributor) and start, stop (Operator) jobs in this group.
resource jobsContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, principalId, containerAppsJobsContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', containerAppsJobsContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource jobsOperator 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, principalId, containerAppsJobsOperator)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', containerAppsJobsOperator)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Creating a job in the environment needs only reading it and its join action: a custom role grants exactly that
// (the built-in ManagedEnvironments Contributor would also let the app change or delete the environment).
resource environmentJoinRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, 'sockerless-environment-join')
  properties: {
    roleName: 'sockerless environment join (${resourceGroup().name})'
    description: 'Read a Container Apps environment and create jobs in it.'
    type: 'CustomRole'
    permissions: [
      {
        actions: [
          'Microsoft.App/managedEnvironments/read'
          'Microsoft.App/managedEnvironments/join/action'
        ]
        notActions: []
      }
    ]
    assignableScopes: [
      resourceGroup().id
    ]
  }
}

resource environmentJoin 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(environment.id, principalId, environmentJoinRole.id)
  scope: environment
  properties: {
    roleDefinitionId: environmentJoinRole.id
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Assigning the job identity to the jobs the app creates (identity.userAssignedIdentities, registries[].identity):
// on the job identity only, so the app cannot hand its own identity to a job.
resource jobIdentityOperator 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(jobIdentity.id, principalId, managedIdentityOperator)
  scope: jobIdentity
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', managedIdentityOperator)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
