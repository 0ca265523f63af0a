<#
.SYNOPSIS
    Starts or stops one AKS cluster.

.DESCRIPTION
    Plinth's power schedule runs this runbook in Azure Automation (PowerShell
    7.2) to stop a non-production cluster outside working hours and start it
    again. It needs no module: it gets an Azure Resource Manager token from
    the Automation account's system-assigned managed identity and calls the
    AKS REST API itself.

    It reads the cluster's power state first and asks for the change only
    when the cluster is not already in, or on its way to, the wanted state,
    so that running it twice does no harm. It then waits until AKS reports
    the operation done. Every failure (no identity, no access, an operation
    AKS refuses or that fails) ends the job as Failed with the reason.

    The managed identity needs exactly these rights on the cluster:
    Microsoft.ContainerService/managedClusters/read, .../start/action and
    .../stop/action.

.PARAMETER ClusterResourceId
    The cluster's ARM ID:
    /subscriptions/<sub>/resourceGroups/<group>/providers/Microsoft.ContainerService/managedClusters/<name>

.PARAMETER Action
    Start or Stop.

.NOTES
    Managed by Plinth (platform/aks/runbooks). Azure Automation verifies this
    file against the SHA-256 hash the stack gives it; edit it in the
    repository, never in the portal.
#>
param(
    [Parameter(Mandatory = $true)]
    [ValidatePattern('^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.ContainerService/managedClusters/[^/]+$')]
    [string] $ClusterResourceId,

    [Parameter(Mandatory = $true)]
    [ValidateSet('Start', 'Stop')]
    [string] $Action
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$ArmEndpoint = 'https://management.azure.com'
$ApiVersion = '2024-10-01'
# How often and how long to wait for AKS to finish. Starting or stopping a
# cluster takes minutes; Automation ends a cloud job after three hours.
$PollSeconds = 30
$TimeoutMinutes = 60

# Get-ArmToken returns a bearer token for Azure Resource Manager from the
# Automation account's managed identity.
function Get-ArmToken {
    if (-not $env:IDENTITY_ENDPOINT -or -not $env:IDENTITY_HEADER) {
        throw 'No managed identity: IDENTITY_ENDPOINT and IDENTITY_HEADER are not set. Run this runbook in Azure Automation, in an account with a system-assigned identity.'
    }
    $uri = '{0}?resource={1}' -f $env:IDENTITY_ENDPOINT, [uri]::EscapeDataString("$ArmEndpoint/")
    $headers = @{ 'X-IDENTITY-HEADER' = $env:IDENTITY_HEADER; 'Metadata' = 'True' }
    try {
        $response = Invoke-RestMethod -Method Get -Uri $uri -Headers $headers
    }
    catch {
        throw "Getting a token from the managed identity failed: $(Get-ErrorText $_)"
    }
    if (-not $response.access_token) {
        throw 'The managed identity returned no access token.'
    }
    return $response.access_token
}

# Get-ErrorText returns what an HTTP error says: ARM's error body when there
# is one, the exception's message otherwise.
function Get-ErrorText($record) {
    if ($record.ErrorDetails -and $record.ErrorDetails.Message) {
        return '{0} {1}' -f $record.Exception.Message, $record.ErrorDetails.Message
    }
    return $record.Exception.Message
}

# Invoke-Arm calls ARM and fails with the method, the URL and ARM's answer.
function Invoke-Arm([string] $Method, [string] $Path, [string] $Token) {
    $uri = '{0}{1}?api-version={2}' -f $ArmEndpoint, $Path, $ApiVersion
    try {
        return Invoke-RestMethod -Method $Method -Uri $uri -Headers @{ Authorization = "Bearer $Token" }
    }
    catch {
        throw "$Method $uri failed: $(Get-ErrorText $_)"
    }
}

# Get-ClusterState returns the cluster's power state (Running, Stopped) and
# provisioning state (Succeeded, Starting, Stopping, Failed, ...).
function Get-ClusterState([string] $Token) {
    $cluster = Invoke-Arm -Method Get -Path $ClusterResourceId -Token $Token
    return [pscustomobject]@{
        Power        = [string] $cluster.properties.powerState.code
        Provisioning = [string] $cluster.properties.provisioningState
    }
}

$wanted = if ($Action -eq 'Start') { 'Running' } else { 'Stopped' }
$underway = if ($Action -eq 'Start') { 'Starting' } else { 'Stopping' }

$token = Get-ArmToken
$state = Get-ClusterState -Token $token
Write-Output "Cluster $ClusterResourceId is $($state.Power) (provisioning state $($state.Provisioning)); wanted: $wanted."

if ($state.Power -eq $wanted -and $state.Provisioning -ne $underway) {
    if ($state.Provisioning -ne 'Succeeded') {
        Write-Warning "The cluster is $wanted, but its provisioning state is $($state.Provisioning); this runbook changes only its power state."
    }
    Write-Output 'Nothing to do.'
    return
}
if ($state.Provisioning -ne $underway) {
    if ($state.Provisioning -notin @('Succeeded', 'Failed', 'Canceled')) {
        throw "The cluster is busy ($($state.Provisioning)); not asking it to $($Action.ToLowerInvariant()) during another operation. The next scheduled run tries again."
    }
    Invoke-Arm -Method Post -Path "$ClusterResourceId/$($Action.ToLowerInvariant())" -Token $token | Out-Null
    Write-Output "Asked AKS to $($Action.ToLowerInvariant()) the cluster."
}

$deadline = (Get-Date).AddMinutes($TimeoutMinutes)
while ($true) {
    Start-Sleep -Seconds $PollSeconds
    $state = Get-ClusterState -Token $token
    if ($state.Power -eq $wanted -and $state.Provisioning -eq 'Succeeded') {
        Write-Output "The cluster is $wanted."
        return
    }
    if ($state.Provisioning -in @('Failed', 'Canceled')) {
        throw "AKS could not $($Action.ToLowerInvariant()) the cluster: provisioning state $($state.Provisioning), power state $($state.Power)."
    }
    if ((Get-Date) -gt $deadline) {
        throw "The cluster is still $($state.Power) ($($state.Provisioning)) after $TimeoutMinutes minutes."
    }
}
