// The Log Analytics workspace the environment's console and system logs go to.
param name string
param location string
param retentionInDays int = 30
param tags object = {}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

output id string = workspace.id
output name string = workspace.name
// The query id (GUID) that SOCKERLESS_LOG_ANALYTICS_WORKSPACE_ID takes.
output customerId string = workspace.properties.customerId
