"""Every TOML the product reads (scoring profile, mapping profile, roles file) refuses a
document nested thousands deep with its own one-line error, never a RecursionError."""

from __future__ import annotations

import pytest

from kairo_scoring import KairoError, mapping_from_toml, profile_from_toml, roles_from_toml
from kairo_scoring.errors import IntakeError, ProfileError

DEEP_ARRAY = "x = " + "[" * 20_000 + "]" * 20_000
DEEP_TABLE = "x = " + "{a = " * 5_000 + "1" + "}" * 5_000


@pytest.mark.parametrize("document", [DEEP_ARRAY, DEEP_TABLE], ids=["arrays", "inline-tables"])
@pytest.mark.parametrize(
    ("parse", "error"),
    [
        (profile_from_toml, ProfileError),
        (mapping_from_toml, (IntakeError, ProfileError)),
        (roles_from_toml, KairoError),
    ],
    ids=["profile", "mapping", "roles"],
)
def test_deeply_nested_toml_is_refused_with_one_line(parse, error, document):
    with pytest.raises(error) as caught:
        parse(document)
    message = str(caught.value)
    assert "\n" not in message and "nested" in message
