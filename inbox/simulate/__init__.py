"""Send realistic, correctly signed provider webhooks to a running ingest (``inbox simulate``).

The simulator plays the part of Twilio (SMS, WhatsApp), Mailgun (inbound email routes), a web
chat visitor and the voice transcription service. Each simulated message is one HTTP request
shaped and signed the way the real provider sends it, so the ingest's signature checks, parsing
and idempotency are exercised exactly as in production.

Requests go out on an open-loop schedule: request ``i`` is due at ``start + i / rate`` however
slowly the server answers (only the in-flight cap can delay it), which is what a load test needs.

Content (names, phone numbers, texts, reply threads) comes from ``rng`` and is reproducible with a
seed. Provider ids, Mailgun tokens and idempotency tokens are always fresh random values, so
re-running a seeded simulation is never swallowed by the ingest's duplicate detection.

Modules: ``models`` (channels, targets, secrets, the request type), ``content`` (the text pools),
``state`` (per-run sender pools and email history), ``payloads`` (per-channel request builders and
signing) and ``runner`` (the async sender, ``run_simulation`` and its report).
"""

from inbox.simulate.models import CHANNELS, SimRequest, SimulationSecrets, SimulationTargets
from inbox.simulate.payloads import build_request
from inbox.simulate.runner import SimulationReport, run_simulation

__all__ = [
    "CHANNELS",
    "SimRequest",
    "SimulationReport",
    "SimulationSecrets",
    "SimulationTargets",
    "build_request",
    "run_simulation",
]
