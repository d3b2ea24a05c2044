"""The loaders of the mandates' own objects (the mandates themselves are loaded in
`enterprises/permissions.py`, beside the enterprise's other loaders)."""

from django.http import Http404

from enterprises.permissions import enterprise_mandates_for_user
from mandates import selectors


def proposal_batch_for_user(user, number: str, pk: int):
    """A file of proposals, for the access managers of the enterprise that sent it: 404 for
    anyone unrelated to it or for another enterprise's file, the explained 403 for the
    enterprise's other profiles (as for its mandates)."""
    enterprise, access = enterprise_mandates_for_user(user, number)
    batch = selectors.batch_of(enterprise, pk)
    if batch is None:
        raise Http404
    return batch, access
