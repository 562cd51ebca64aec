"""One settings model: CLI flags override ORCHESTRATOR_* environment, which overrides an
optional TOML file, which overrides the defaults here."""
from __future__ import annotations

import os
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from orchestrator.logs import mask_url_passwords

CONFIG_ENV = "ORCHESTRATOR_CONFIG"
_config_file: ContextVar[Path | None] = ContextVar("config_file", default=None)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ORCHESTRATOR_", extra="forbid")

    runtime: Literal["embedded", "kafka"] = Field("embedded", description="embedded (asyncio + SQLite) or kafka")
    data_dir: Path = Field(Path("var"), description="where the embedded runtime keeps its SQLite files")
    http_host: str = "127.0.0.1"
    http_port: int = Field(8080, ge=0, le=65535)
    worker_metrics_port: int = Field(9101, ge=0, le=65535, description="/metrics of an `orchestrator worker` (on http_host)")
    metrics_sample_interval_s: float = Field(15.0, gt=0, description="how often the API samples catalogue gauges (campaigns, outages, OMS outbox)")
    database_url: str | None = Field(None, description="SQLAlchemy URL of the catalogue; default SQLite in data_dir")
    kafka_bootstrap: str = "127.0.0.1:9092"
    kafka_app_id: str = "orchestrator"
    kafka_partitions: int = Field(4, ge=1)
    kafka_topic_prefix: str = Field("", description="prepended to every topic name (several deployments, one cluster)")
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["json", "console"] = "json"
    max_body_bytes: int = Field(10 * 1024 * 1024, ge=1024, description="largest IEC/REST body accepted")
    embedded_batch_size: int = Field(500, ge=1, description="records per SQLite transaction per consumer")
    admin_password: SecretStr | None = Field(None, description="password of the built-in admin user")
    switching_read_timeout_s: float = Field(900.0, gt=0, description="wait for a switching read before estimating it")
    switching_transfer_on_supplier_change: bool = Field(True, description="keep enrolments across a supplier change")
    masterdata_due_interval_s: float = Field(60.0, ge=0, description="how often future-dated master data is applied; 0 = never")
    programs_dir: Path = Field(Path("programs"), description="directory of program definitions (*.yaml)")
    correlation_tick_s: float = Field(1.0, ge=0, description="clock tick sweeping dispatch deadlines; 0 = no ticks")
    correlation_hold_s: float = Field(300.0, gt=0, description="how long a reply or event waits for its dispatch record")
    correlation_default_device_kw: float = Field(1.0, ge=0, description="rated kW assumed for a device without one")
    dispatch_message_size: int = Field(1000, ge=1, le=10000, description="devices per EndDeviceControls message")
    dispatch_reply_address: str | None = Field(None, description="ReplyAddress for async replies; default: this server's IEC endpoint")
    dispatch_lead_s: int = Field(0, ge=0, description="send controls this many seconds before the event starts")
    scheduler_enabled: bool = Field(True, description="run campaign jobs (start, ramps, end) in this process")
    topology_cache_s: float = Field(5.0, ge=0, description="age of the topology view event checks and device reads may use")
    outage_momentary_window_s: float = Field(300.0, ge=0, description="power-offs restored sooner are momentary (IEEE 1366: 5 min)")
    outage_transformer_min_meters: int = Field(2, ge=1, description="meters out before a transformer is inferred out")
    outage_transformer_share: float = Field(0.5, gt=0, le=1, description="share of a transformer's meters out to infer it out")
    outage_feeder_min_transformers: int = Field(2, ge=1, description="transformers out before a feeder is inferred out")
    outage_feeder_share: float = Field(0.5, gt=0, le=1, description="share of a feeder's transformers out to infer it out")
    outage_storm_events_per_min: int = Field(200, ge=1, description="power-offs per minute on a feeder that start storm mode")
    outage_verify_timeout_s: float = Field(120.0, gt=0, description="wait for a restoration verification read")
    outage_verify_grace_s: float = Field(30.0, ge=0, description="wait for restores before reading silent meters")
    outage_summary_interval_s: float = Field(60.0, gt=0, description="storm summary interval, event time")
    outage_tick_lateness_s: float = Field(2.0, ge=0, description="clock ticks close windows this long after wall time")
    oms_webhook_url: str | None = Field(None, description="OMS webhook receiving outage notifications (JSON POST)")
    oms_webhook_format: Literal["json", "iec", "both"] = Field("json", description="json, iec (EndDeviceEvents XML) or both")
    oms_max_attempts: int = Field(8, ge=1, description="delivery attempts before a notification is dead-lettered")
    oms_backoff_base_s: float = Field(1.0, gt=0, description="first retry delay; doubles per attempt")
    oms_backoff_max_s: float = Field(300.0, gt=0, description="longest retry delay")
    oms_timeout_s: float = Field(10.0, gt=0, description="HTTP timeout of one delivery attempt")
    oms_concurrency: int = Field(8, ge=1, description="OMS requests in flight (different outages; one outage in order)")
    oms_lease_s: float = Field(60.0, gt=0, description="a notification being sent is not sent again by another sender, or after a crash, before this")
    headend_timeout_s: float = Field(30.0, gt=0, description="HTTP timeout of one request to a head-end")
    headend_attempts: int = Field(4, ge=1, description="attempts per request to a head-end before it is failed (5.4)")
    headend_backoff_s: float = Field(0.5, ge=0, description="first retry delay towards a head-end; doubles per attempt, jitter 0.5-1.5")
    headend_backoff_max_s: float = Field(10.0, ge=0, description="longest retry delay towards a head-end")
    headend_breaker_threshold: int = Field(5, ge=1, description="requests failed in a row that open a head-end's circuit")
    headend_breaker_reset_s: float = Field(30.0, gt=0, description="an open circuit lets one trial request through after this")
    headend_breaker_reset_max_s: float = Field(600.0, gt=0, description="longest wait between trials: each failed trial doubles the wait up to this")
    auth_required: bool = Field(True, description="require a token (API) or login (console); false only for a lab")
    session_secret: SecretStr | None = Field(None, description="signs console session cookies; default: generated into data_dir/session.key")
    session_max_age_s: int = Field(8 * 3600, ge=60, description="console session lifetime")
    cookie_secure: bool = Field(False, description="mark the session cookie Secure (serve the console over HTTPS)")
    api_rate_per_s: float = Field(50.0, ge=0, description="requests per second per client address on /api and /console; 0 = no limit")
    api_rate_burst: int = Field(200, ge=1, description="requests a client may send at once before api_rate_per_s applies")

    @property
    def catalogue_url(self) -> str:
        return self.database_url or f"sqlite+aiosqlite:///{self.data_dir.resolve() / 'catalogue.db'}"

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = _config_file.get() or os.environ.get(CONFIG_ENV)
        if path:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(path)))
        return tuple(sources)

    def masked(self) -> dict[str, Any]:
        """The effective settings for display: secrets and URL passwords replaced by ****."""
        out: dict[str, Any] = {}
        for name, value in self.model_dump(mode="json").items():
            if isinstance(getattr(self, name), SecretStr):
                value = "****" if getattr(self, name).get_secret_value() else ""
            elif isinstance(value, str):
                value = mask_url_passwords(value)
            out[name] = value
        out["catalogue_url"] = mask_url_passwords(self.catalogue_url)
        return out


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Build the settings; ``overrides`` are CLI flags, where None means "not given"."""
    if config_file is not None:
        if not config_file.is_file():
            raise FileNotFoundError(f"config file not found: {config_file}")
    token = _config_file.set(config_file)
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    finally:
        _config_file.reset(token)
