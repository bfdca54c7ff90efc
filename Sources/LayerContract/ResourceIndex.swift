import ManifestModel

/// A pod template as the checks see it: its labels and containers, taken
/// from the workload itself or, for an Argo Rollout with `workloadRef`, from
/// the Deployment it refers to.
struct PodTemplate {
    var labels: StringMap?
    var containers: [Container]
    var location: SourceLocation?
}

/// Lookups across all resources of a run, built once.
struct ResourceIndex {
    struct Workload {
        var checked: CheckedResource
        var template: PodTemplate
    }

    private var servicesByName: [String: CheckedResource] = [:]
    private(set) var services: [CheckedResource] = []
    private(set) var workloads: [Workload] = []

    init(_ resources: [CheckedResource]) {
        var deployments: [String: WorkloadSpec] = [:]
        for checked in resources {
            let resource = checked.resource
            if resource.service != nil {
                services.append(checked)
                if servicesByName[resource.nameValue] == nil { servicesByName[resource.nameValue] = checked }
            }
            if resource.kind.value == "Deployment", let workload = resource.workload {
                deployments[Self.scopedName(resource.namespace?.value, resource.nameValue)] = workload
            }
        }
        for checked in resources {
            guard var spec = checked.resource.workload else { continue }
            if let reference = spec.workloadReference, spec.templateLabels == nil, spec.containers.isEmpty,
               let target = deployments[Self.scopedName(checked.resource.namespace?.value, reference.name.value)] {
                spec.templateLabels = target.templateLabels
                spec.containers = target.containers
                spec.templateLocation = target.templateLocation
            }
            workloads.append(Workload(checked: checked,
                                      template: PodTemplate(labels: spec.templateLabels, containers: spec.containers,
                                                            location: spec.templateLocation)))
        }
    }

    func service(named name: String) -> CheckedResource? { servicesByName[name] }

    /// Pod templates a Service selector matches (every pair present).
    func podTemplates(matching selector: StringMap) -> [PodTemplate] {
        let pairs = selector.pairs.map { ($0.key.value, $0.value.value) }
        return workloads.compactMap { workload in
            guard let labels = workload.template.labels, labels.contains(all: pairs) else { return nil }
            return workload.template
        }
    }

    /// Workloads whose `spec.selector.matchLabels` contains every pair.
    func workloads(selectedBy selector: [(String, String)]) -> [Workload] {
        workloads.filter { $0.checked.resource.workload?.matchLabels?.contains(all: selector) ?? false }
    }

    private static func scopedName(_ namespace: String?, _ name: String) -> String {
        (namespace ?? "") + "/" + name
    }
}
