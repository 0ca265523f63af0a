package aks

// Azure's recommended recording rules for a cluster's managed Prometheus:
// the rule groups `az aks update --enable-azure-monitor-metrics` and the
// portal create (NodeRecordingRulesRuleGroup-<cluster>,
// KubernetesRecordingRulesRuleGroup-<cluster>), which a cluster set up as
// code must create itself. They precompute the node and container series
// (instance:node_cpu_utilisation:rate5m,
// node_namespace_pod_container:container_memory_working_set_bytes, ...)
// that the Azure Managed Grafana dashboards shipped with managed
// Prometheus ("Kubernetes / Compute Resources / ...", "Node Exporter /
// Nodes") read; without them those dashboards stay empty. They read the
// default scrape targets of the metrics add-on: node-exporter (job
// "node"), cAdvisor (job "cadvisor") and kube-state-metrics. Each group
// stays within maxRulesPerGroup.

// recordingRule is one recording rule: the series it records, its PromQL,
// and labels added to what it records.
type recordingRule struct {
	Record, Expression string
	Labels             map[string]string
}

// recordingGroup is one group of recording rules; Role names it
// "<name>-<role>".
type recordingGroup struct {
	Role, Description string
	Rules             []recordingRule
}

// recordingGroups are the recording rule groups NewObservability creates
// beside the alerts.
var recordingGroups = []recordingGroup{
	{
		Role:        "node-recording-rules",
		Description: "Azure's recommended node recording rules (NodeRecordingRulesRuleGroup)",
		Rules: []recordingRule{
			{Record: "instance:node_num_cpu:sum", Expression: `count without (cpu, mode) (node_cpu_seconds_total{job="node",mode="idle"})`},
			{Record: "instance:node_cpu_utilisation:rate5m", Expression: `1 - avg without (cpu) (sum without (mode) (rate(node_cpu_seconds_total{job="node", mode=~"idle|iowait|steal"}[5m])))`},
			{Record: "instance:node_load1_per_cpu:ratio", Expression: `(node_load1{job="node"} / instance:node_num_cpu:sum{job="node"})`},
			{Record: "instance:node_memory_utilisation:ratio", Expression: `1 - ((node_memory_MemAvailable_bytes{job="node"} or (node_memory_Buffers_bytes{job="node"} + node_memory_Cached_bytes{job="node"} + node_memory_MemFree_bytes{job="node"} + node_memory_Slab_bytes{job="node"})) / node_memory_MemTotal_bytes{job="node"})`},
			{Record: "instance:node_vmstat_pgmajfault:rate5m", Expression: `rate(node_vmstat_pgmajfault{job="node"}[5m])`},
			{Record: "instance_device:node_disk_io_time_seconds:rate5m", Expression: `rate(node_disk_io_time_seconds_total{job="node", device!=""}[5m])`},
			{Record: "instance_device:node_disk_io_time_weighted_seconds:rate5m", Expression: `rate(node_disk_io_time_weighted_seconds_total{job="node", device!=""}[5m])`},
			{Record: "instance:node_network_receive_bytes_excluding_lo:rate5m", Expression: `sum without (device) (rate(node_network_receive_bytes_total{job="node", device!="lo"}[5m]))`},
			{Record: "instance:node_network_transmit_bytes_excluding_lo:rate5m", Expression: `sum without (device) (rate(node_network_transmit_bytes_total{job="node", device!="lo"}[5m]))`},
			{Record: "instance:node_network_receive_drop_excluding_lo:rate5m", Expression: `sum without (device) (rate(node_network_receive_drop_total{job="node", device!="lo"}[5m]))`},
			{Record: "instance:node_network_transmit_drop_excluding_lo:rate5m", Expression: `sum without (device) (rate(node_network_transmit_drop_total{job="node", device!="lo"}[5m]))`},
		},
	},
	{
		Role:        "kubernetes-recording-rules",
		Description: "Azure's recommended Kubernetes recording rules (KubernetesRecordingRulesRuleGroup)",
		Rules: []recordingRule{
			{Record: "node_namespace_pod_container:container_cpu_usage_seconds_total:sum_irate", Expression: `sum by (cluster, namespace, pod, container) (irate(container_cpu_usage_seconds_total{job="cadvisor", image!=""}[5m])) * on (cluster, namespace, pod) group_left(node) topk by (cluster, namespace, pod) (1, max by (cluster, namespace, pod, node) (kube_pod_info{node!=""}))`},
			{Record: "node_namespace_pod_container:container_memory_working_set_bytes", Expression: podMemory("container_memory_working_set_bytes")},
			{Record: "node_namespace_pod_container:container_memory_rss", Expression: podMemory("container_memory_rss")},
			{Record: "node_namespace_pod_container:container_memory_cache", Expression: podMemory("container_memory_cache")},
			{Record: "node_namespace_pod_container:container_memory_swap", Expression: podMemory("container_memory_swap")},
			{Record: "cluster:namespace:pod_memory:active:kube_pod_container_resource_requests", Expression: activePods("requests", "memory")},
			{Record: "namespace_memory:kube_pod_container_resource_requests:sum", Expression: namespaceSum("requests", "memory")},
			{Record: "cluster:namespace:pod_cpu:active:kube_pod_container_resource_requests", Expression: activePods("requests", "cpu")},
			{Record: "namespace_cpu:kube_pod_container_resource_requests:sum", Expression: namespaceSum("requests", "cpu")},
			{Record: "cluster:namespace:pod_memory:active:kube_pod_container_resource_limits", Expression: activePods("limits", "memory")},
			{Record: "namespace_memory:kube_pod_container_resource_limits:sum", Expression: namespaceSum("limits", "memory")},
			{Record: "cluster:namespace:pod_cpu:active:kube_pod_container_resource_limits", Expression: activePods("limits", "cpu")},
			{Record: "namespace_cpu:kube_pod_container_resource_limits:sum", Expression: namespaceSum("limits", "cpu")},
			{
				Record:     "namespace_workload_pod:kube_pod_owner:relabel",
				Expression: `max by (cluster, namespace, workload, pod) (label_replace(label_replace(kube_pod_owner{job="kube-state-metrics", owner_kind="ReplicaSet"}, "replicaset", "$1", "owner_name", "(.*)") * on (replicaset, namespace) group_left(owner_name) topk by (replicaset, namespace) (1, max by (replicaset, namespace, owner_name) (kube_replicaset_owner{job="kube-state-metrics"})), "workload", "$1", "owner_name", "(.*)"))`,
				Labels:     map[string]string{"workload_type": "deployment"},
			},
			podOwner("DaemonSet", "daemonset"),
			podOwner("StatefulSet", "statefulset"),
			podOwner("Job", "job"),
			{Record: ":node_memory_MemAvailable_bytes:sum", Expression: `sum(node_memory_MemAvailable_bytes{job="node"} or (node_memory_Buffers_bytes{job="node"} + node_memory_Cached_bytes{job="node"} + node_memory_MemFree_bytes{job="node"} + node_memory_Slab_bytes{job="node"})) by (cluster)`},
			{Record: "cluster:node_cpu:ratio_rate5m", Expression: `sum(rate(node_cpu_seconds_total{job="node",mode!="idle",mode!="iowait",mode!="steal"}[5m])) by (cluster) / count(sum(node_cpu_seconds_total{job="node"}) by (cluster, instance, cpu)) by (cluster)`},
		},
	},
}

// podMemory records a cAdvisor memory series of each container with its
// pod's node.
func podMemory(series string) string {
	return series + `{job="cadvisor", image!=""} * on (namespace, pod) group_left(node) topk by (namespace, pod) (1, max by (namespace, pod, node) (kube_pod_info{node!=""}))`
}

// activePods records the containers' resource requests or limits of
// pods that are pending or running.
func activePods(kind, resource string) string {
	return `kube_pod_container_resource_` + kind + `{resource="` + resource + `",job="kube-state-metrics"} * on (namespace, pod, cluster) group_left() max by (namespace, pod, cluster) ((kube_pod_status_phase{phase=~"Pending|Running"} == 1))`
}

// namespaceSum records a namespace's sum of its pending and running pods'
// resource requests or limits.
func namespaceSum(kind, resource string) string {
	return `sum by (namespace, cluster) (sum by (namespace, pod, cluster) (max by (namespace, pod, container, cluster) (kube_pod_container_resource_` + kind + `{resource="` + resource + `",job="kube-state-metrics"}) * on (namespace, pod, cluster) group_left() max by (namespace, pod, cluster) (kube_pod_status_phase{phase=~"Pending|Running"} == 1)))`
}

// podOwner records the workload of each pod owned directly by a workload
// of kind.
func podOwner(kind, workloadType string) recordingRule {
	return recordingRule{
		Record:     "namespace_workload_pod:kube_pod_owner:relabel",
		Expression: `max by (cluster, namespace, workload, pod) (label_replace(kube_pod_owner{job="kube-state-metrics", owner_kind="` + kind + `"}, "workload", "$1", "owner_name", "(.*)"))`,
		Labels:     map[string]string{"workload_type": workloadType},
	}
}
