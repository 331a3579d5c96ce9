// Example parameters: copy, adjust, and deploy with
//   az deployment group create -g sockerless -f bicep/main.bicep -p bicep/main.bicepparam
// Nothing secret belongs here.
using './main.bicep'

param prefix = 'sockerless'
param location = 'westeurope'
param javaVersion = '17'
param logsDestination = 'azure-monitor'
param stagingNamespace = 'staging'
param agentShareName = 'sockerless-agent'
param agentStorageName = 'sockerless-agent'
param logRetentionInDays = 30
param tags = {
  project: 'sockerless'
}
