// The container registry jobs pull from and `docker load` pushes to. No admin user: identities only.
param name string
param location string
@allowed([
  'Basic'
  'Standard'
  'Premium'
])
param sku string = 'Basic'
param tags object = {}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: sku
  }
  properties: {
    adminUserEnabled: false
    anonymousPullEnabled: false
  }
}

output id string = registry.id
output name string = registry.name
output loginServer string = registry.properties.loginServer
