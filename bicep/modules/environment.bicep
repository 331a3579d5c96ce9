// The Container Apps managed environment jobs run in, its console-log route to the workspace, and the environment
// storage that mounts the agent share.
param name string
param location string
param workspaceName string
@allowed([
  'azure-monitor'
  'log-analytics'
])
@description('azure-monitor: a diagnostic setting sends logs to the workspace (tables ContainerAppConsoleLogs, ContainerAppSystemLogs). log-analytics: the legacy route (ContainerAppConsoleLogs_CL), which needs the workspace key.')
param logsDestination string = 'azure-monitor'
param storageAccountName string
param agentShareName string
param agentStorageName string
param tags object = {}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: workspaceName
}

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource environment 'Microsoft.App/managedEnvironments@2025-01-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: logsDestination == 'log-analytics'
      ? {
          destination: 'log-analytics'
          logAnalyticsConfiguration: {
            customerId: workspace.properties.customerId
            sharedKey: workspace.listKeys().primarySharedKey
          }
        }
      : {
          destination: 'azure-monitor'
        }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (logsDestination == 'azure-monitor') {
  name: 'sockerless-logs'
  scope: environment
  properties: {
    workspaceId: workspace.id
    logAnalyticsDestinationType: 'Dedicated'
    logs: [
      {
        category: 'ContainerAppConsoleLogs'
        enabled: true
      }
      {
        category: 'ContainerAppSystemLogs'
        enabled: true
      }
    ]
  }
}

resource agentStorage 'Microsoft.App/managedEnvironments/storages@2025-01-01' = {
  parent: environment
  name: agentStorageName
  properties: {
    azureFile: {
      accountName: account.name
      // The one key the deployment needs: Azure Files links take no identity. Read here, never a parameter.
      accountKey: account.listKeys().keys[0].value
      shareName: agentShareName
      accessMode: 'ReadOnly'
    }
  }
}

output id string = environment.id
output name string = environment.name
output agentStorageName string = agentStorage.name
