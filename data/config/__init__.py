"""The configuration, declared once: `campaign.toml` (campaign.py, on the engine of schema.py;
board.py: the campaigns it declares, and its reading), the environment variables
(environment.py, the one place that reads them) and the credentials with the keys derived from
them (secrets.py). The README's reference tables are generated from these declarations
(`python -m scripts.docs`; tests/test_docs.py keeps them in step)."""

from data.config.board import (
    DEFAULT_CONFIG,
    Board,
    config_path,
    load_board,
    load_board_or_last_good,
    load_config,
    parse_board,
)
from data.config.campaign import (
    HUB_ROLES,
    ApiConfig,
    CampaignConfig,
    DatasetConfig,
    HubConfig,
    OpenDataConfig,
    OrganizersConfig,
    SiteConfig,
    StorageConfig,
    TeamsConfig,
    WebhooksConfig,
    parse_config,
    settings_table,
)
from data.config.environment import (
    APP_VARIABLES,
    BY_VARIABLE,
    DEPLOYED,
    ENVIRONMENT,
    VARIABLES,
    Variable,
    app_values,
    variables_table,
)
from data.config.schema import ConfigError
from data.config.secrets import Secrets, configured_public_url, load_secrets

__all__ = [
    "APP_VARIABLES",
    "configured_public_url",
    "ApiConfig",
    "Board",
    "BY_VARIABLE",
    "DEFAULT_CONFIG",
    "DEPLOYED",
    "ENVIRONMENT",
    "HUB_ROLES",
    "VARIABLES",
    "CampaignConfig",
    "ConfigError",
    "DatasetConfig",
    "HubConfig",
    "OrganizersConfig",
    "Secrets",
    "SiteConfig",
    "OpenDataConfig",
    "StorageConfig",
    "TeamsConfig",
    "Variable",
    "WebhooksConfig",
    "app_values",
    "config_path",
    "load_board",
    "load_board_or_last_good",
    "load_config",
    "load_secrets",
    "parse_board",
    "parse_config",
    "settings_table",
    "variables_table",
]
