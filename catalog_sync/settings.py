"""One typed settings object, read lazily from the environment.

Precedence: command-line flags (passed in by the CLI) > environment > defaults. The tags folder
has one more step: `CATALOG_SYNC_TAGS_DIR`, else `./tags` when the working folder has one, else
the definitions, rules and views packaged with catalog-sync (`catalog_sync/tagging/defaults`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# Shipped inside the package (package data), so they exist wherever catalog-sync is installed.
PACKAGED_TAGS_DIR = Path(__file__).resolve().parent / "tagging" / "defaults"


class Settings(BaseSettings):
    """Where the catalog, tags, tokens and bindings live, and which DataHub to talk to."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    catalog: Path = Field(
        # Absolute, so every message and file beside it (state, tokens) names a full path.
        default_factory=lambda: Path(".catalog-sync/catalog.db").absolute(),
        validation_alias=AliasChoices("CATALOG_SYNC_CATALOG"),
        description="DataHub Lite (SQLite) file used when no GMS is configured.",
    )
    tags_dir: Path = Field(
        default_factory=lambda: _default_tags_dir()[0],
        validation_alias=AliasChoices("CATALOG_SYNC_TAGS_DIR"),
        description="Tag definitions, rules and views; see the module docstring for the order.",
    )
    tokens_file: Path | None = Field(
        default=None, validation_alias=AliasChoices("CATALOG_SYNC_TOKENS_FILE")
    )
    binding_root: Path | None = Field(
        default=None, validation_alias=AliasChoices("SERVICE_BINDING_ROOT")
    )
    gms_url: str | None = Field(default=None, validation_alias=AliasChoices("DATAHUB_GMS_URL"))
    gms_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("DATAHUB_GMS_TOKEN")
    )
    frontend_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATAHUB_FRONTEND_URL"),
        description="DataHub's own web UI; the asset page links to it when set.",
    )
    session_secret: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("CATALOG_SYNC_SESSION_SECRET"),
        description="Signs web session cookies; unset, a key file beside the token file.",
    )
    api_url: str | None = Field(
        default=None, validation_alias=AliasChoices("CATALOG_SYNC_API_URL"),
        description="A running discovery API for `resolve`/`project-binding` and the client.",
    )
    api_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("CATALOG_SYNC_API_TOKEN")
    )

    @property
    def tags_dir_origin(self) -> str:
        """Where `tags_dir` came from, for messages: the variable, ./tags or the package."""
        if "tags_dir" in self.model_fields_set:
            return "CATALOG_SYNC_TAGS_DIR"
        return _default_tags_dir()[1]

    @property
    def tokens_path(self) -> Path:
        """The token file defaults to `tokens.json` beside the catalog."""
        return self.tokens_file or self.catalog.parent / "tokens.json"


def _default_tags_dir() -> tuple[Path, str]:
    """`./tags` when the working folder has one (a steward's own rules), else the packaged
    defaults: so an installed catalog-sync tags assets from any working folder."""
    local = Path("tags")
    if local.is_dir():
        return local.absolute(), "./tags"
    return PACKAGED_TAGS_DIR, "packaged defaults"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests call `get_settings.cache_clear()` after changing env."""
    return Settings()
