"""Run-failure incidents: the text, a webhook POST and a GitHub issue.

No Dagster here: the sensor turns a failed run into an :class:`Incident`, records its
``incidents`` row (db/incident_rows.py) and calls these.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import requests

from deepsentinel_pipelines.alerts.webhook import post_webhook
from deepsentinel_pipelines.db.incident_rows import Incident
from deepsentinel_pipelines.settings import AlertConfig
from deepsentinel_pipelines.text.escaping import chat_text, code_block, code_span, markdown_link
from deepsentinel_pipelines.text.redaction import redact

#: GitHub rejects issue bodies over 65536 characters; stay well below.
MAX_BODY_CHARS = 60_000
MAX_ERROR_CHARS = 8_000


@dataclass(frozen=True)
class LogLine:
    """One event-log line of a run."""

    timestamp: float
    level: str
    step_key: str | None
    message: str

    def render(self) -> str:
        """``HH:MM:SS LEVEL [step] message``."""
        when = datetime.fromtimestamp(self.timestamp, tz=UTC).strftime("%H:%M:%S")
        step = f" [{self.step_key}]" if self.step_key else ""
        return f"{when} {self.level}{step} {self.message}"


def truncate(text: str, limit: int, keep_end: bool = True) -> str:
    """``text`` cut to ``limit`` characters, keeping its end (logs) or its start (errors)."""
    if len(text) <= limit:
        return text
    if keep_end:
        return "[...]\n" + text[-(limit - 6) :]
    return text[: limit - 6] + "\n[...]"


def log_excerpt(
    lines: list[LogLine], failed_step: str | None, max_lines: int = 40, max_chars: int = 6000
) -> str:
    """The last lines of the failed step (or of the run when no step failed)."""
    chosen = [line for line in lines if failed_step and line.step_key == failed_step] or lines
    text = "\n".join(line.render() for line in chosen[-max_lines:])
    return truncate(text, max_chars)


def incident_title(incident: Incident) -> str:
    """A one-line title (GitHub issue title)."""
    where = f" for {incident.partition_key}" if incident.partition_key else ""
    step = f" in step {incident.failed_step}" if incident.failed_step else ""
    return f"[DeepSentinel] {incident.job_name} failed{where}{step} (run {incident.run_id[:8]})"


def run_url(config: AlertConfig, run_id: str) -> str | None:
    """Link to the run in the Dagster UI, when its address is configured."""
    return f"{config.dagster_ui_url.rstrip('/')}/runs/{run_id}" if config.dagster_ui_url else None


def incident_body(incident: Incident, config: AlertConfig) -> str:
    """Markdown: run, partition, step, error and the log excerpt.

    Names and texts from the run are code spans and fenced blocks whose fences outlast any
    backtick run inside, so a partition key or an error cannot end them and write Markdown.
    """
    url = run_url(config, incident.run_id)
    rows = [
        f"- **Run:** {code_span(incident.run_id)}"
        + (f" ({markdown_link('open in Dagster', url)})" if url else ""),
        f"- **Job:** {code_span(incident.job_name)}",
        f"- **Partition:** {code_span(incident.partition_key or '-')}",
        f"- **Failed step:** {code_span(incident.failed_step or '-')}",
    ]
    error = truncate(incident.error, MAX_ERROR_CHARS, keep_end=False)
    body = "\n".join(rows) + f"\n\n### Error\n{code_block(error)}\n"
    room = MAX_BODY_CHARS - len(body) - 60
    excerpt = truncate(incident.log_excerpt, max(room, 500))
    body += f"\n### Log excerpt\n{code_block(excerpt)}\n"
    return body


def webhook_payload(incident: Incident, config: AlertConfig) -> dict[str, Any]:
    """JSON posted to the webhook: the incident fields, a title and a ``text`` for chat tools."""
    title = incident_title(incident)
    return asdict(incident) | {
        "title": title,
        "text": chat_text(f"{title}\n{truncate(incident.error, 1500, keep_end=False)}"),
        "run_url": run_url(config, incident.run_id),
    }


def create_github_issue(
    api_url: str, repo: str, token: str, title: str, body: str, timeout_s: float = 10.0
) -> str:
    """Open an issue through the GitHub REST API; return its ``html_url``."""
    response = requests.post(
        f"{api_url.rstrip('/')}/repos/{repo}/issues",
        headers={
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        },
        json={"title": title, "body": body},
        timeout=timeout_s,
    )
    response.raise_for_status()
    return str(response.json().get("html_url", ""))


def secrets(config: AlertConfig) -> list[str | None]:
    """The configured values that must never appear in an incident, a log line or a message."""
    return [config.webhook_url, config.github_token]


def notify(incident: Incident, config: AlertConfig) -> dict[str, Any]:
    """Send the configured notifications; report each outcome (a failure never raises)."""
    outcome: dict[str, Any] = {}
    if config.webhook_url:
        try:
            status = post_webhook(
                config.webhook_url, webhook_payload(incident, config), config.timeout_s
            )
            outcome["webhook"] = {"status": status}
        except requests.RequestException as err:
            outcome["webhook"] = {"error": redact(err, secrets(config))[:500]}
    if config.github_enabled:
        try:
            url = create_github_issue(
                config.github_api_url,
                str(config.github_repo),
                str(config.github_token),
                incident_title(incident),
                incident_body(incident, config),
                config.timeout_s,
            )
            outcome["github"] = {"issue_url": url}
        except requests.RequestException as err:
            outcome["github"] = {"error": redact(err, secrets(config))[:500]}
    return outcome
