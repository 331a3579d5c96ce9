// sockerless ACA functions: everything the Function App needs, in one resource group.
//   az deployment group create -g <group> -f bicep/main.bicep -p bicep/main.bicepparam
// No secrets are parameters: the only key (the environment's Azure Files link) is read with listKeys() in
// modules/environment.bicep.
targetScope = 'resourceGroup'

@description('Short prefix of every resource name (lowercase letters and digits).')
@minLength(3)
@maxLength(12)
param prefix string = 'sockerless'

param location string = resourceGroup().location

@description('Java version of the Function App (Flex Consumption).')
@allowed([
  '17'
  '21'
])
param javaVersion string = '17'

@description('Where the environment sends console logs: azure-monitor (diagnostic setting, resource-specific tables) or the legacy log-analytics destination.')
@allowed([
  'azure-monitor'
  'log-analytics'
])
param logsDestination string = 'azure-monitor'

@description('Repository namespace in the registry that `docker load` pushes to (SOCKERLESS_STAGING_REGISTRY = <login server>/<namespace>).')
param stagingNamespace string = 'staging'

@description('Azure Files share holding the sockerless agent binary (mounted read-only at /sockerless-bin in jobs).')
param agentShareName string = 'sockerless-agent'

@description('Name of the environment storage that links the share (SOCKERLESS_AGENT_STORAGE_NAME).')
param agentStorageName string = 'sockerless-agent'

@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

param tags object = {}

var suffix = uniqueString(resourceGroup().id, prefix)
var compact = toLower(replace(prefix, '-', ''))
var names = {
  identity: '${prefix}-id'
  jobIdentity: '${prefix}-job-id'
  workspace: '${prefix}-logs'
  environment: '${prefix}-env'
  registry: take('${compact}acr${suffix}', 50)
  storage: take('${compact}st${suffix}', 24)
  plan: '${prefix}-plan'
  app: '${prefix}-${suffix}'
}
var deploymentContainerName = 'app-package'

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

// Jobs pull their ACR images with this one only; it holds nothing but AcrPull, and jobs hide it from their
// containers (identitySettings lifecycle None), so code in a job cannot get a token for it or for the app's identity.
module jobIdentity 'modules/identity.bicep' = {
  name: 'jobIdentity'
  params: {
    name: names.jobIdentity
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    name: names.workspace
    location: location
    retentionInDays: logRetentionInDays
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    agentShareName: agentShareName
    deploymentContainerName: deploymentContainerName
    tags: tags
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  params: {
    name: names.registry
    location: location
    tags: tags
  }
}

module environment 'modules/environment.bicep' = {
  name: 'environment'
  params: {
    name: names.environment
    location: location
    workspaceName: monitoring.outputs.name
    logsDestination: logsDestination
    storageAccountName: storage.outputs.name
    agentShareName: storage.outputs.agentShareName
    agentStorageName: agentStorageName
    tags: tags
  }
}

// Before the app: its host reaches storage with the identity on first start.
module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    principalId: identity.outputs.principalId
    jobPrincipalId: jobIdentity.outputs.principalId
    jobIdentityName: jobIdentity.outputs.name
    registryName: registry.outputs.name
    workspaceName: monitoring.outputs.name
    storageAccountName: storage.outputs.name
    environmentName: environment.outputs.name
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionApp'
  dependsOn: [
    roles
  ]
  params: {
    name: names.app
    planName: names.plan
    location: location
    javaVersion: javaVersion
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    jobIdentityId: jobIdentity.outputs.id
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    registryLoginServer: registry.outputs.loginServer
    stagingNamespace: stagingNamespace
    environmentId: environment.outputs.id
    workspaceCustomerId: monitoring.outputs.customerId
    agentStorageName: environment.outputs.agentStorageName
    logsDestination: logsDestination
    tags: tags
  }
}

output appUrl string = functionApp.outputs.url
output appName string = functionApp.outputs.name
output acrLoginServer string = registry.outputs.loginServer
output workspaceCustomerId string = monitoring.outputs.customerId
output environmentId string = environment.outputs.id
output jobIdentityId string = jobIdentity.outputs.id
output storageAccountName string = storage.outputs.name
output agentShareName string = storage.outputs.agentShareName
output identityId string = identity.outputs.id
