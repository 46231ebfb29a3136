"""The one way a front-end reads the federation's live status: find the client, read the clusters, analyse.
`smfed-wizard status`, the wizard's Status step and plain mode all call here, so they report the same."""
from __future__ import annotations

from .. import apply as kube
from ..errors import KubectlNotFound, UsageError
from .reader import start_reading


def read_status(binary: str, contexts: list[str | None], namespace: str | None, timeout: str):
    finish = start_reading(binary, contexts, namespace, timeout)
    # imported while kubectl runs, not at the top: a `status` costs little more than its kubectl calls
    from .analysis import analyse
    return analyse(finish())


def find_client(kubectl: str | None) -> str:
    """The oc/kubectl to read with; none means no cluster can be read: exit 2 (usage), as the contract says."""
    try:
        return kube.find_binary(kubectl)
    except KubectlNotFound as err:
        raise UsageError(err.message, hint=err.hint) from None
