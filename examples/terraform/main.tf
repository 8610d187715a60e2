# A container app whose identity is granted on the whole resource group, without principal_type.
resource "azurerm_resource_group" "jobs" {
  name     = "jobs-rg"
  location = "westeurope"
}

resource "azurerm_user_assigned_identity" "jobs" {
  name                = "jobs-uami"
  resource_group_name = azurerm_resource_group.jobs.name
  location            = azurerm_resource_group.jobs.location
}

resource "azurerm_role_assignment" "jobs_queues" {
  scope                = azurerm_resource_group.jobs.id
  role_definition_name = "Storage Queue Data Contributor"
  principal_id         = azurerm_user_assigned_identity.jobs.principal_id
}

resource "azurerm_container_app" "jobs" {
  name                         = "jobs"
  container_app_environment_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/jobs-rg/providers/Microsoft.App/managedEnvironments/jobs-env"
  resource_group_name          = azurerm_resource_group.jobs.name
  revision_mode                = "Single"

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.jobs.id]
  }

  template {
    container {
      name   = "jobs"
      image  = "mcr.microsoft.com/k8se/quickstart:latest"
      cpu    = 0.25
      memory = "0.5Gi"
    }
  }
}
