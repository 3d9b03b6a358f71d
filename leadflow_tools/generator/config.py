"""Generator configuration: scale knobs and the known rates of every kind of dirt."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

SESSION_MINUTES = 30


@dataclass(frozen=True)
class DirtRates:
    """Share of rows (of the table named in the comment) that carry each kind of dirt.

    Every kind listed at the end of the raw source contract is produced here; staging either
    normalises it or quarantines the row with a reason code.
    """

    email_mixed_case: float = 0.05  # any email column: upper/title case
    email_spaces: float = 0.03  # any email column: leading/trailing spaces
    email_plus_tag: float = 0.02  # any email column: local+tag@domain
    email_invalid: float = 0.01  # any email column: 'no-at-sign' or 'a@b' shapes
    null_company: float = 0.03  # salesforce lead / hubspot contact
    null_title: float = 0.03
    null_country: float = 0.03
    absurd_employees: float = 0.01  # accounts / leads: negative, zero or ~1e9 employees
    duplicate_versions: float = 0.03  # crm objects: an older version of the same id
    soft_deleted: float = 0.015  # crm objects: latest version is deleted
    duplicate_person_records: float = 0.01  # people entered twice as salesforce leads
    future_timestamp: float = 0.003  # created/event timestamp months after the anchor
    missing_identity: float = 0.002  # activity rows with no person key at all
    orphan_reference: float = 0.005  # children pointing at ids that do not exist
    hubspot_merged: float = 0.02  # hubspot contacts that absorbed another contact
    shared_account_domain: float = 0.01  # accounts sharing the previous account's domain
    inactive_users: float = 0.10  # salesforce users / hubspot owners
    bot_pageviews: float = 0.02  # segment pages from crawlers
    internal_pageviews: float = 0.01  # segment pages from our own employees
    unknown_person_events: float = 0.01  # pages/tracks/email events nobody can be resolved to
    duplicate_events: float = 0.005  # segment rows delivered twice (same id)
    unmapped_picklist_value: float = 0.01  # salesforce lead: a LeadSource no seed maps ('Podcast')
    late_arrivals: float = 0.05  # any table: loaded hours to 3 days after the change (else minutes)


@dataclass(frozen=True)
class PlantedEffect:
    """A known effect the backtest (rpt_score_backtest) and scripts/suggest_weights.py must find.

    People with one of `titles` (all of them read as seniority 'manager' by
    seeds/title_seniority_patterns) who work at an account and reached MQL are moved, with
    probability `conversion_share`, to a converted lead, and every one of them who converts has an
    opportunity. Measured on 10,000 people (the test data): 0.67 of the planted MQLs at an account
    reach an opportunity by as_of against 0.29 of the other MQLs at an account (2.3x); within 90
    days of the MQL 3.1% against 0.7-1.5% for the other seniorities. The
    current fit rules give a manager fewer points (+10) than a director (+15) or an executive
    (+20), so the suggested weights must raise the manager rule. `conversion_share` 0 plants
    nothing.
    """

    titles: tuple[str, ...] = ("Marketing Manager", "Sales Manager", "Engineering Manager")
    conversion_share: float = 0.5


@dataclass(frozen=True)
class GeneratorConfig:
    """What to generate. Same config, same bytes: every value is a hash of (row, salt, seed)."""

    leads: int = 10_000
    events_per_lead: int = 100
    seed: int = 42
    anchor_date: date = field(default_factory=date.today)
    history_days: int = 730
    # Tracking data comes in sessions: a visit is several page views minutes apart, a product
    # session several track calls, an email send an open and a click. A person's events of one
    # table fall into sessions of about this many events, each session within SESSION_MINUTES.
    # 1 spreads every event independently over the person's life (the generator before
    # sessions: a sixth of all people then acted on any given day).
    events_per_session: int = 5
    dirt: DirtRates = field(default_factory=DirtRates)
    planted: PlantedEffect = field(default_factory=PlantedEffect)

    @property
    def accounts(self) -> int:
        return max(50, self.leads // 5)

    @property
    def users(self) -> int:
        return min(400, max(20, self.leads // 250))

    @property
    def campaigns(self) -> int:
        return min(400, max(20, self.leads // 500))

    @property
    def internal_users(self) -> int:
        return 10 + self.leads // 10_000

    def as_dict(self) -> dict[str, object]:
        out = asdict(self)
        out["anchor_date"] = self.anchor_date.isoformat()
        return out
