"""The phases of the migration, in the guide's order: what each does, whether it can be undone
and how. Artifacts are numbered by phase; the plan and the runbook follow this table."""
from __future__ import annotations

from dataclasses import dataclass

from ..i18n import N_


@dataclass(frozen=True)
class Phase:
    id: str
    number: int
    title: str           # N_-marked: translate where shown
    reversible: bool
    rollback: str        # N_-marked


PHASES = (
    Phase("prepare", 0, N_("Check the prerequisites and save the federation resources"), True,
          N_("Nothing changes in this phase.")),
    Phase("control-plane", 1, N_("Configure the 2.6 control planes"), True,
          N_("Apply each mesh's 1-smcp-merge-patch.rollback.json the same way (oc patch --type=merge): it puts back "
             "the values the SMCP had. istiod rolls out again; restart the pods that started in between if the "
             "network changed.")),
    Phase("export", 2, N_("Expose the exported services on an east-west gateway"), True,
          N_("Delete what 2-export.yaml created (oc delete -f). Traffic still goes through federation.")),
    Phase("import", 3, N_("Import the services through the east-west gateways"), True,
          N_("Delete what 3-remote-gateways.yaml and 3-import.yaml created (oc delete -f) and restart the client "
             "deployments again: traffic falls back to federation while the peers and service sets exist.")),
    Phase("remove-federation", 4, N_("Remove the federation resources"), True,
          N_("Create the deleted resources again: oc apply -f <mesh>/0-restore-federation.yaml (as the SOURCE held "
             "them; compare with 0-backup.yaml, saved in phase 0). The status comes back within 5 minutes, and "
             "running proxies get the peers' trust bundles again.")),
    Phase("remove-federation-gateways", 5, N_("Remove the federation gateways from the SMCPs"), False,
          N_("oc patch smcp --type=json --patch-file=<mesh>/5-remove-federation-gateways.rollback.json adds the "
             "gateways back, but their load balancers get new addresses: every peer's ServiceMeshPeer "
             "remote.addresses then needs the new ones before federation works again.")),
    Phase("install-ossm3", 6, N_("Install the OSSM 3 control planes"), True,
          N_("Delete the Istio and IstioCNI resources (oc delete -f) while no proxy uses them yet.")),
    Phase("migrate-proxies", 7, N_("Move the workloads and the east-west gateway to OSSM 3"), True,
          N_("Put the namespaces' 2.6 labels back (remove istio.io/rev and maistra.io/ignore-namespace, set "
             "istio-injection as before), remove the labels from the east-west Gateway, and restart the "
             "deployments. The guide describes no rollback: test it first.")),
    Phase("cleanup", 8, N_("Remove OSSM 2.6"), False,
          N_("None: the 2.6 control plane and its resources are gone. Keep the backups.")),
)
BY_ID = {p.id: p for p in PHASES}


def file_prefix(phase_id: str) -> str:
    """`3-` for the import phase: output files sort in the order they are used."""
    return f"{BY_ID[phase_id].number}-"
