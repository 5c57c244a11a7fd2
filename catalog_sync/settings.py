"""One typed settings object, read lazily from the environment.

Precedence: command-line flags (passed in by the CLI) > environment > defaults.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where the catalog, tags, tokens and bindings live, and which DataHub to talk to."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    catalog: Path = Field(
        default=Path(".catalog-sync/catalog.db"),
        validation_alias=AliasChoices("CATALOG_SYNC_CATALOG"),
        description="DataHub Lite (SQLite) file used when no GMS is configured.",
    )
    tags_dir: Path = Field(
        default=Path("tags"), validation_alias=AliasChoices("CATALOG_SYNC_TAGS_DIR")
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
    api_url: str | None = Field(
        default=None, validation_alias=AliasChoices("CATALOG_SYNC_API_URL"),
        description="A running discovery API for `resolve`/`project-binding` and the client.",
    )
    api_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("CATALOG_SYNC_API_TOKEN")
    )

    @property
    def tokens_path(self) -> Path:
        """The token file defaults to `tokens.json` beside the catalog."""
        return self.tokens_file or self.catalog.parent / "tokens.json"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests call `get_settings.cache_clear()` after changing env."""
    return Settings()
