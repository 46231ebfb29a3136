"""The codes of what `status` finds on live clusters: SMF2xx, apart from the validator's SMF0xx (one
SMCP) and SMF1xx (federation resources across files), so a script can tell a file's mistake from a
cluster's state. Each code has one severity, a title and a general fix (English message ids, shown
translated); a finding's own message and hint say the particulars. README.md lists this table
(`<!-- status-table`), kept in sync by tests/test_status_analysis.py.
"""
from __future__ import annotations


from ..findings import ERROR, HINT, WARNING, Rule
from ..i18n import N_, _
from .model import Problem


_STATUS_RULES = [
    Rule("SMF200", ERROR, N_("not connected to the peer"),
               N_("read the last disconnect status; check remote.addresses and ports, the peer's ingress "
                  "gateway, and istiod's log on both sides")),
    Rule("SMF201", ERROR, N_("no istiod reports on this peer"),
               N_("istiod writes the status within a minute of the ServiceMeshPeer's creation: check that istiod "
                  "runs and read its log")),
    Rule("SMF202", WARNING, N_("the peer does not connect to this mesh"),
               N_("check the peer's ServiceMeshPeer for this mesh: addresses, ports and clientID")),
    Rule("SMF203", WARNING, N_("connected, but no full sync yet"),
               N_("wait a minute; if it stays, read istiod's log for the peer")),
    Rule("SMF204", ERROR, N_("remote.addresses is not the peer's ingress address"),
               N_("put the address of the peer's ingress gateway Service into remote.addresses")),
    Rule("SMF205", ERROR, N_("remote ports do not match the peer's ingress gateway"),
               N_("set remote.servicePort and remote.discoveryPort to the peer's ingress ports (node ports for "
                  "NodePort)")),
    Rule("SMF206", WARNING, N_("ingress gateway has no external address"),
               N_("wait for the load balancer, or check why the cloud gives it none")),
    Rule("SMF207", ERROR, N_("root certificate is not the peer's"),
               N_("copy the peer's istio-ca-root-cert root-cert.pem into this side's CA ConfigMap")),
    Rule("SMF208", ERROR, N_("root certificate expired"),
               N_("renew the peer's root certificate and copy it to every mesh that federates with it")),
    Rule("SMF209", WARNING, N_("root certificate expires soon"),
               N_("plan the root certificate's renewal on both sides")),
    Rule("SMF210", ERROR, N_("CA ConfigMap missing or unreadable"),
               N_("create the ConfigMap named in spec.security.certificateChain with the peer's root as "
                  "root-cert.pem")),
    Rule("SMF211", WARNING, N_("exported but not imported"),
               N_("add an importRule for it to the importer's ImportedServiceSet, or stop exporting it")),
    Rule("SMF212", WARNING, N_("imported by a rule but not exported"),
               N_("export it in the exporter's ExportedServiceSet (the Service must exist in a mesh member "
                  "namespace)")),
    Rule("SMF213", ERROR, N_("exported and wanted, but not imported"),
               N_("the peer must be connected; the leader istiod writes the import within minutes: read its log")),
    Rule("SMF214", ERROR, N_("gateway pods not ready"),
               N_("check the gateway's pods and events (oc describe pod)")),
    Rule("SMF215", ERROR, N_("the control plane is not ready"),
               N_("read the SMCP's conditions and the operator's log")),
    Rule("SMF216", WARNING, N_("AWS load balancer without the NLB annotation"),
               N_("annotate the ingress Service with service.beta.kubernetes.io/aws-load-balancer-type: nlb "
                  "(a classic load balancer breaks mTLS)")),
    Rule("SMF217", ERROR, N_("no ServiceMeshPeer back on the peer's cluster"),
               N_("create the ServiceMeshPeer for this mesh on the peer's cluster")),
    Rule("SMF218", HINT, N_("checked on this side only"),
               N_("add --context for the peer's cluster to check both sides against each other")),
    Rule("SMF219", ERROR, N_("ingress gateway Service missing"),
               N_("check spec.gateways.ingress.name against the SMCP's additionalIngress gateways")),
    Rule("SMF220", HINT, N_("the peer's ingress address not checked"),
               N_("check remote.addresses by hand against what fronts the peer's ingress: its nodes for NodePort "
                  "(`oc get nodes -o wide` on its cluster), whatever exposes a ClusterIP")),
]
STATUS_RULES = {r.code: r for r in _STATUS_RULES}


def problem(code: str, message: str, hint: str | None = None) -> Problem:
    """A problem by its code: the code's severity, and its general fix unless `hint` is more precise."""
    rule = STATUS_RULES[code]
    return Problem(code, rule.severity, message, hint or rule.fix)


def title(code: str) -> str:
    return _(STATUS_RULES[code].title_msgid)
