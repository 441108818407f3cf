"""Safe defaults: the committed Streamlit config is production-safe; secrets stay out of git."""

from __future__ import annotations

import tomllib

from kairo_scoring.intake import IntakeLimits
from kairo_scoring.intake.limits import MIB
from tests.conftest import REPO

STREAMLIT_DIR = REPO / ".streamlit"


def _config() -> dict:
    return tomllib.loads((STREAMLIT_DIR / "config.toml").read_text(encoding="utf-8"))


def test_production_config_turns_the_protections_on():
    config = _config()
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["enableCORS"] is True
    assert config["client"]["showErrorDetails"] == "none"  # no tracebacks or messages to users
    assert config["browser"]["gatherUsageStats"] is False


def test_max_upload_size_is_what_intake_accepts():
    # Streamlit counts maxUploadSize in MB of 2**20 bytes, as intake's MIB does.
    assert _config()["server"]["maxUploadSize"] * MIB == IntakeLimits().max_file_bytes


def test_the_readme_documents_the_development_override():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "--client.showErrorDetails=full" in readme
    assert "secrets.toml.example" in readme


def test_real_secrets_are_ignored_by_git_and_the_example_has_every_auth_key():
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".streamlit/secrets.toml" in ignored
    example = tomllib.loads((STREAMLIT_DIR / "secrets.toml.example").read_text(encoding="utf-8"))
    auth = example["auth"]
    assert set(auth) >= {"redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url"}
    assert auth["redirect_uri"].endswith("/oauth2callback")
