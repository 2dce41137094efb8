"""Runs scim2-tester (python-scim, PyPI), a SCIM 2.0 conformance checker, against /scim/v2.

Usage: conformance.py BASE_URL TOKEN   (BASE_URL ends with /scim/v2)

The checker learns the server from its discovery endpoints and fills every writable
attribute with random values. Two product rules cannot be said in a SCIM schema, so the
checker is told them as example values, which it uses instead of random ones:
- userName is an email address: fresh addresses;
- department is one of the organization's departments: the server publishes them as the
  attribute's canonicalValues (read from /Schemas with the token), which the checker already
  uses as examples.
Exits 1 if any check fails, listing every result.
"""

import sys
import uuid

from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server


class FreshAddresses:
    """A sequence whose every item is a new address (random.choice picks one item)."""

    def __len__(self):
        return 1

    def __getitem__(self, index):
        if index != 0:
            raise IndexError(index)
        return f"conformance-{uuid.uuid4().hex}@example.com"


def main(base_url: str, token: str) -> int:
    http = Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"})
    client = SyncSCIMClient(http)
    client.discover()
    user = client.get_resource_model("User")
    if user is None:
        print("conformance: the server publishes no User resource type")
        return 1
    user.model_fields["user_name"].examples = FreshAddresses()

    results = check_server(client)
    failed = [r for r in results if r.status not in (Status.SUCCESS, Status.SKIPPED)]
    for result in results:
        where = f"{result.resource_type or '-'}"
        print(f"{result.status.name:8} {where:6} {result.title}: {result.reason or ''}".rstrip())
    passed = sum(1 for r in results if r.status == Status.SUCCESS)
    skipped = sum(1 for r in results if r.status == Status.SKIPPED)
    print(f"conformance: {passed} passed, {skipped} skipped, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
