// The Function App on Flex Consumption (Java), running as the user-assigned identity, and its app settings: every
// SOCKERLESS_* setting that names a deployed resource. Settings with usable defaults are left to their defaults;
// FunctionAppSettingsTest checks this list against the app's Settings.Key.
param name string
param planName string
param location string
@allowed([
  '17'
  '21'
])
param javaVersion string = '17'
param maximumInstanceCount int = 40
@allowed([
  2048
  4096
])
param instanceMemoryMB int = 2048
// HTTP requests one instance takes at a time before Flex adds an instance (default 16 at 2048 MB, 32 at 4096 MB).
// A `docker logs -f` reader holds one slot nearly all the time: each follow long-poll waits up to
// SOCKERLESS_FOLLOW_WAIT_SECONDS (20 s) for new lines and the CLI re-polls at once, while the wait costs almost no
// CPU or memory. With 16, sixteen followers would already send every further request to a new instance (a cold
// start). 32 keeps about two dozen followers plus ordinary requests on one instance; not more, because the same
// slots also carry `docker load` bodies (up to 100 MB each, buffered by the host) on a 2048 MB instance.
@minValue(1)
@maxValue(1000)
param httpPerInstanceConcurrency int = 32
param identityId string
param identityClientId string
@description('Resource id of the job identity (AcrPull only), assigned to the jobs the app creates.')
param jobIdentityId string
param storageAccountName string
param deploymentContainerUrl string
param registryLoginServer string
@description('Repository namespace in the registry that `docker load` pushes to.')
param stagingNamespace string
param environmentId string
param workspaceCustomerId string
param agentStorageName string
@allowed([
  'azure-monitor'
  'log-analytics'
])
param logsDestination string
param tags object = {}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        // One instance of the durable group (the follow poller's orchestrations) is always running, as Flex asks
        // for Durable Functions on the Azure Storage provider: no cold start before the first poll.
        alwaysReady: [
          {
            name: 'durable'
            instanceCount: 1
          }
        ]
        triggers: {
          http: {
            perInstanceConcurrency: httpPerInstanceConcurrency
          }
        }
      }
      // Flex Consumption takes the runtime here; FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION are not
      // allowed as app settings on this plan.
      runtime: {
        name: 'java'
        version: javaVersion
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: [
        // Functions host storage (and the app's state tables): identity-based, no key.
        {
          name: 'AzureWebJobsStorage__accountName'
          value: storageAccountName
        }
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'AzureWebJobsStorage__clientId'
          value: identityClientId
        }
        // DefaultAzureCredential in the app picks the user-assigned identity by this client id.
        {
          name: 'AZURE_CLIENT_ID'
          value: identityClientId
        }
        {
          name: 'SOCKERLESS_STAGING_REGISTRY'
          value: '${registryLoginServer}/${stagingNamespace}'
        }
        {
          name: 'SOCKERLESS_ACA_ENVIRONMENT_ID'
          value: environmentId
        }
        {
          name: 'SOCKERLESS_ACA_LOCATION'
          value: location
        }
        // modules/environment.bicep creates a workload-profiles environment (Consumption profile: up to 4 vCPU/8Gi).
        {
          name: 'SOCKERLESS_ACA_ENVIRONMENT_TYPE'
          value: 'workload-profiles'
        }
        {
          name: 'SOCKERLESS_AGENT_MODE'
          value: 'azure-files'
        }
        {
          name: 'SOCKERLESS_AGENT_STORAGE_NAME'
          value: agentStorageName
        }
        // Jobs pull from ACR with the job identity, never with the app's.
        {
          name: 'SOCKERLESS_JOB_IDENTITY'
          value: jobIdentityId
        }
        {
          name: 'SOCKERLESS_LOG_ANALYTICS_WORKSPACE_ID'
          value: workspaceCustomerId
        }
        // JVM options after the Java worker's defaults (-XX:TieredStopAtLevel=1 among them: C1 only, worker.config.json
        // in Azure/azure-functions-java-worker; learn.microsoft.com, functions-reference-java, "Customize JVM"). C1 runs
        // SHA-256 at ~150 MB/s against ~1,400 with C2 (README, Benchmark), and a load hashes every byte twice.
        {
          name: 'languageWorkers__java__arguments'
          value: '-XX:TieredStopAtLevel=4'
        }
        {
          name: 'SOCKERLESS_LOG_TABLE'
          value: logsDestination == 'log-analytics' ? 'ContainerAppConsoleLogs_CL' : 'ContainerAppConsoleLogs'
        }
      ]
    }
  }
}

output id string = app.id
output name string = app.name
output url string = 'https://${app.properties.defaultHostName}'
