"""The generator's SQL: one statement per table, vectorised over DuckDB's range().

Randomness is `hash(row, salt, seed)`: deterministic, independent per salt, no Python loop.
Helper macros (created by `macros_sql` and `step_macros_sql`):
  u(i, salt)          uniform double in [0, 1)
  pick(list, i, salt) one element of a list
  choose(list, i, salt)  the same, independent of other draws on the row (new columns use it:
                      pick's hash modulo a power of two repeats across salts of one row)
  sfid(prefix, n)     an 18-character Salesforce-style id
  dirty_email(e, i, salt)  the clean address, or one of the dirty shapes at the configured rates
  ago(anchor, days)   anchor minus a fractional number of days
  synced(changed, k, salt)  when Fivetran wrote a row last changed at `changed`: minutes later,
                      a share (dirt.late_arrivals) hours to 3 days later; never after the anchor
  version_synced(v, changed, newest, k, salt)  the same for version v of a row (0 = newest):
                      an older version was always written before the one that superseded it
  seg_received(ts, k, salt, v)  when Segment received a message sent at `ts`: seconds later, a
                      share late by hours to 3 days (a device offline); a re-delivered copy
                      (v = 1) arrives later than the first (v = 0); never after the anchor

The tables are the shapes the loaders really land (docs/raw_sources.md, the sources YAML is the
contract): every contract column with its contract type, plus a few columns the connectors land
that leadflow does not read. shapes.py turns a full warehouse into the thinner variants.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import vocab
from .config import SESSION_MINUTES, GeneratorConfig

LATE_SECONDS = 3 * 86400  # the latest a late row arrives after its change
# the Salesforce queue that owns new leads until they are routed, and the share of unworked
# leads (not contacted, or MQLs waiting for acceptance) still in it
LEAD_QUEUE_SQL = "'00G000000000000001'"
LEAD_QUEUE_SHARE = 0.4
# the integration user assignment rules run as (dbt var crm_automation_user_ids): its owner
# changes are automated, everyone else's are manual reassignments
AUTOMATION_USER_SQL = "'005000000000999999'"


def segment_slug(name: str) -> str:
    """The table and `event` name Segment gives an event: go-snakecase (segmentio/go-snakecase).

    Only ASCII letters and digits are kept, every other byte separates words; a word starts at a
    lower->Upper change, a run of capitals stays one word, digits stick to the word before;
    words are lower-cased and joined with '_'. 'Trial Started' -> 'trial_started',
    'iOS App Opened' -> 'i_os_app_opened', '2FA Enabled' -> '2fa_enabled'.
    """
    raw = name.encode("utf-8")
    n = len(raw)

    def lower(c: int) -> bool:
        return 97 <= c <= 122

    def upper(c: int) -> bool:
        return 65 <= c <= 90

    def digit(c: int) -> bool:
        return 48 <= c <= 57

    idx = 0
    has_lower = has_underscore = lower_since_underscore = False
    while idx < n:
        c = raw[idx]
        if lower(c):
            has_lower = True
            if has_underscore:
                lower_since_underscore = True
            idx += 1
            continue
        if digit(c):
            idx += 1
            continue
        if c == 95 and 0 < idx < n - 1 and (lower(raw[idx + 1]) or digit(raw[idx + 1])):
            has_underscore = True
            lower_since_underscore = False
            idx += 1
            continue
        break
    if idx == n:
        return name
    out = bytearray(raw[:idx])

    def take_word(start: int) -> int:
        j = start
        while j < n and (upper(raw[j]) or digit(raw[j])):
            out.append(raw[j] + 32 if upper(raw[j]) else raw[j])
            j += 1
        while j < n and (lower(raw[j]) or digit(raw[j])):
            out.append(raw[j])
            j += 1
        return j

    if upper(raw[idx]) and (not has_lower or (has_underscore and not lower_since_underscore)):
        idx = take_word(idx)
    while idx < n:
        if not (lower(raw[idx]) or upper(raw[idx]) or digit(raw[idx])):
            idx += 1
            continue
        if out:
            out.append(95)
        idx = take_word(idx)
    return out.decode("latin-1")


def track_event_names() -> list[str]:
    """The distinct track event names, in vocabulary order."""
    return list(dict.fromkeys(vocab.TRACK_EVENTS))


def lit(values: Sequence[object]) -> str:
    """A DuckDB list literal."""
    parts = []
    for v in values:
        if v is None:
            parts.append("null")
        elif isinstance(v, str):
            parts.append("'" + v.replace("'", "''") + "'")
        else:
            parts.append(str(v))
    return "[" + ", ".join(parts) + "]"


def _weighted_codes() -> list[str]:
    codes: list[str] = []
    for code, weight in vocab.COUNTRY_WEIGHTS.items():
        codes.extend([code] * max(1, round(weight * 5)))
    return codes


def _country_variant_expr(code_col: str, i_col: str, salt: str, null_rate: float) -> str:
    whens = " ".join(
        f"when '{code}' then {lit(variants)}" for code, variants in vocab.COUNTRY_VARIANTS.items()
    )
    return (
        f"case when u({i_col}, '{salt}_null') < {null_rate} then null "
        f"else pick(case {code_col} {whens} end, {i_col}, '{salt}') end"
    )


def macros_sql(cfg: GeneratorConfig) -> str:
    d = cfg.dirt
    inv = d.email_invalid
    mixed = inv + d.email_mixed_case
    spaces = mixed + d.email_spaces
    plus = spaces + d.email_plus_tag
    return f"""
set TimeZone = 'UTC';
create or replace temp macro u(i, salt) as
    ((hash(i, salt, {cfg.seed}) % 1000003)::double / 1000003);
create or replace temp macro pick(lst, i, salt) as
    lst[1 + (hash(i, salt, {cfg.seed}) % len(lst))::bigint];
-- choose: like pick, but independent of every other draw on the same row whatever the list's
-- length (pick's hash modulo a power of two repeats across salts of the same row)
create or replace temp macro choose(lst, i, salt) as
    lst[1 + floor(u(i, salt) * len(lst))::bigint];
create or replace temp macro cap(s) as upper(s[1]) || s[2:];
create or replace temp macro sfid(prefix, n) as prefix || lpad(cast(n as varchar), 15, '0');
create or replace temp macro ago(anchor, days) as anchor - to_seconds((days) * 86400.0);
create or replace temp macro dirty_email(e, i, salt) as
    case
        when e is null then null
        when u(i, salt) < {inv} then
            case when u(i, salt || 'k') < 0.5 then replace(e, '@', '')
                 else split_part(e, '@', 1) || '@' || split_part(split_part(e, '@', 2), '.', 1) end
        when u(i, salt) < {mixed} then
            case when u(i, salt || 'k') < 0.5 then upper(e)
                 else upper(e[1]) || e[2:] end
        when u(i, salt) < {spaces} then '  ' || e || ' '
        when u(i, salt) < {plus} then replace(e, '@', '+news@')
        else e
    end;
"""


def numbers(count: int, column: str) -> str:
    """A FROM item with `count` rows numbered 0.. in `column`, scanned in parallel.

    DuckDB's range() table function produces rows on one thread; reading a materialised
    numbers table lets every core generate rows.
    """
    return f"(select n as {column} from gen_numbers where n < {count}) as numbered"


def largest_table(cfg: GeneratorConfig) -> int:
    return max(cfg.leads * 2, round(cfg.leads * cfg.events_per_lead * 0.55) + 1)


def _planted_titles(cfg: GeneratorConfig) -> str:
    """The planted effect's titles as a SQL list ('' matches nothing when there are none)."""
    return ", ".join(f"'{title}'" for title in cfg.planted.titles) or "''"


def setup_sql(cfg: GeneratorConfig) -> list[tuple[str, str]]:
    """Temp tables every raw table draws from: users, accounts, people, campaigns."""
    d = cfg.dirt
    n, a_n = cfg.leads, cfg.accounts
    anchor = f"timestamp '{cfg.anchor_date.isoformat()} 00:00:00'"
    emp_absurd = "pick([-5, 0, -1200, 999999999, 2147483000], j, 'absurd_v')"
    users = f"""
create or replace temp table gen_user as
select
    k,
    sfid('005', k) as user_id,
    5000 + k as hubspot_owner_id,
    pick({lit(vocab.FIRST_NAMES)}, k, 'ufn') as first_name,
    pick({lit(vocab.LAST_NAMES)}, k, 'uln') as last_name,
    u(k, 'active') >= {d.inactive_users} as is_active,
    pick(['America/New_York', 'America/Los_Angeles', 'Europe/London', 'Europe/Berlin',
          'Australia/Sydney'], k, 'tz') as time_zone,
    pick(['Account Executive', 'Sales Development Rep', 'Account Manager'], k, 'ut') as title
from range({cfg.users}) as t(k)
"""
    accounts = f"""
create or replace temp table gen_account as
with drawn as (
    select
        j,
        case when j > 0 and u(j, 'dupdom') < {d.shared_account_domain} then j - 1 else j end as jd,
        u(j, 'type') as u_type
    from {numbers(a_n, 'j')}
),
typed as (
    select
        *,
        case when u_type < 0.15 then 'Customer' when u_type < 0.85 then 'Prospect'
             when u_type < 0.90 then 'Partner' when u_type < 0.93 then 'Competitor'
             else 'Other' end as account_type,
        pick({lit(vocab.COMPANY_WORDS_1)}, jd, 'w1') || pick({lit(vocab.COMPANY_WORDS_2)}, jd, 'w2')
            as stem
    from drawn
)
select
    j,
    sfid('001', j) as account_id,
    2000000 + j as hubspot_company_id,
    account_type,
    case when account_type = 'Competitor' then pick({lit(vocab.COMPETITOR_DOMAINS)}, j, 'cd')
         else lower(stem) || jd::varchar || '.' || pick({lit(vocab.TLDS)}, jd, 'tld') end as domain,
    case when account_type = 'Competitor'
         then cap(split_part(pick({lit(vocab.COMPETITOR_DOMAINS)}, j, 'cd'), '.', 1))
         else stem || ' ' || pick({lit(vocab.COMPANY_SUFFIXES)}, jd, 'sfx') end as name,
    pick({lit(vocab.INDUSTRIES)}, j, 'ind') as industry,
    case when u(j, 'absurd') < {d.absurd_employees} then {emp_absurd}
         else (5 * power(2000, u(j, 'emp')))::integer end as employees,
    pick({lit(_weighted_codes())}, j, 'acty') as country_code,
    (hash(j, 'aown', {cfg.seed}) % {cfg.users}) as owner_k,
    ago({anchor}, {cfg.history_days} + u(j, 'acr') * 1000) as created_at
from typed
"""
    people = f"""
create or replace temp table gen_person as
with drawn as (
    select
        i,
        pick({lit(vocab.FIRST_NAMES)}, i, 'fn') as first_name,
        pick({lit(vocab.LAST_NAMES)}, i, 'ln') as last_name,
        u(i, 'acct') < 0.80 as has_account,
        (hash(i, 'acc', {cfg.seed}) % {a_n}) as account_j,
        u(i, 'dom') as u_dom,
        pick({lit(vocab.TITLES)}, i, 'title') as title,
        pick({lit(_weighted_codes())}, i, 'cty') as country_code,
        ago({anchor}, power(u(i, 'created'), 0.8) * {cfg.history_days}) as created_at,
        u(i, 'status') as u_status
    from {numbers(n, 'i')}
),
with_account as (
    select
        drawn.*,
        a.account_id,
        a.hubspot_company_id,
        a.name as account_name,
        a.industry,
        a.employees,
        a.owner_k as account_owner_k,
        case when has_account then a.domain
             when u_dom < 0.70 then pick({lit(vocab.FREEMAIL_DOMAINS)}, i, 'fm')
             when u_dom < 0.85 then pick({lit(vocab.STUDENT_DOMAINS)}, i, 'stu')
             else pick({lit(vocab.OTHER_DOMAINS)}, i, 'od') end as email_domain
    from drawn
    left join gen_account as a on a.j = drawn.account_j and drawn.has_account
),
with_status as (
    select
        *,
        case when u_status < 0.30 then 'Open - Not Contacted'
             -- the planted effect (GeneratorConfig.planted): these titles convert more than twice as often
             when has_account and title in ({_planted_titles(cfg)})
                  and u(i, 'planted') < {cfg.planted.conversion_share} then 'Converted'
             when u_status < 0.42 then 'MQL'
             when u_status < 0.55 then 'Working - Contacted'
             when u_status < 0.62 then 'Qualified'
             when u_status < 0.72 then 'Unqualified'
             when u_status < 0.78 then 'Recycled'
             when has_account then 'Converted'
             else 'Unqualified' end as status,
        regexp_replace(strip_accents(lower(first_name)), '[^a-z]', '', 'g') || '.'
            || regexp_replace(strip_accents(lower(last_name)), '[^a-z]', '', 'g')
            || i::varchar || '@' || email_domain as email
    from with_account
),
with_path as (
    select
        *,
        case status
            when 'Open - Not Contacted' then ['Open - Not Contacted']
            when 'MQL' then ['Open - Not Contacted', 'MQL']
            when 'Working - Contacted' then ['Open - Not Contacted', 'MQL', 'Working - Contacted']
            when 'Qualified' then ['Open - Not Contacted', 'MQL', 'Working - Contacted', 'Qualified']
            when 'Unqualified' then ['Open - Not Contacted', 'MQL', 'Working - Contacted',
                                     'Unqualified']
            when 'Recycled' then ['Open - Not Contacted', 'MQL', 'Working - Contacted', 'Recycled']
            else ['Open - Not Contacted', 'MQL', 'Working - Contacted', 'Qualified', 'Converted']
        end as status_path,
        u(i, 'sf') < 0.88 as has_sf_lead
    from with_status
),
timed as (
select
    *,
    len(status_path) as n_steps,
    -- time of the last status change: the path spreads between created_at and the anchor
    created_at + to_seconds(
        (epoch({anchor}) - epoch(created_at)) * (len(status_path) - 1 + 0.9 * u(i, 'st_last'))
        / (len(status_path) + 0.5)
    ) as status_changed_at,
    has_sf_lead and status = 'Converted' as is_converted,
    (has_sf_lead and status = 'Converted')
        or (not has_sf_lead and has_account and u(i, 'dc') < 0.6) as has_sf_contact,
    u(i, 'opp') < 0.7
        -- every planted-title person who converts has an opportunity (picked by the draw or not)
        or (title in ({_planted_titles(cfg)}) and {cfg.planted.conversion_share} > 0) as converted_with_opportunity,
    u(i, 'seg') < 0.5 as has_segment,
    u(i, 'opt') < 0.05 as is_opted_out,
    (hash(i, 'own', {cfg.seed}) % {cfg.users}) as owner_k,
    pick({lit(vocab.LEAD_SOURCES)}, i, 'src') as lead_source,
    ago(created_at, -u(i, 'idf') * 20) as identified_at
from with_path
),
with_mql as (
    select *, step_at(created_at, i, 1, n_steps) as mql_step_at from timed
),
responded as (
    -- sales answers an MQL (the step after it) within hours or days, not months: most within
    -- a working day, some within three days, a few much later; never after the next step
    select
        *,
        mql_step_at + to_seconds(least(
            3600 * case when u(i, 'resp') < 0.55 then 0.1 + 7.9 * u(i, 'resp_a')
                        when u(i, 'resp') < 0.85 then 8 + 64 * u(i, 'resp_b')
                        else 72 + 400 * u(i, 'resp_c') end,
            (epoch(case when n_steps = 4 then status_changed_at
                        when n_steps > 4 then step_at(created_at, i, 3, n_steps)
                        else {anchor} end)
             - epoch(mql_step_at)) / 2
        )) as response_step_at
    from with_mql
)
select
    * replace (case when n_steps = 3 then response_step_at else status_changed_at end as status_changed_at)
from responded
"""
    hubspot_flag = """
create or replace temp table gen_person_hs as
select
    *,
    u(i, 'hs') < 0.6 or (not has_sf_lead and not has_sf_contact) as has_hubspot,
    1000000 + i as hubspot_contact_id
from gen_person
"""
    campaigns = f"""
create or replace temp table gen_campaign as
select
    c,
    sfid('701', c) as campaign_id,
    pick({lit(vocab.CAMPAIGN_TYPES)}, c, 'ctype') as campaign_type,
    ago({anchor}, u(c, 'cstart') * {cfg.history_days})::date as start_date
from range({cfg.campaigns}) as t(c)
"""
    return [
        (
            "numbers",
            f"create or replace temp table gen_numbers as select range as n "
            f"from range({largest_table(cfg)})",
        ),
        ("users", users),
        ("accounts", accounts),
        ("people", people),
        ("people_hubspot", hubspot_flag),
        ("campaigns", campaigns),
        (
            "dense indexes",
            """
create or replace temp table gen_sf_person as
select row_number() over (order by i) - 1 as rn, * from gen_person_hs
where has_sf_lead or has_sf_contact;
create or replace temp table gen_hs_person as
select row_number() over (order by i) - 1 as rn, * from gen_person_hs where has_hubspot;
create or replace temp table gen_seg_person as
select row_number() over (order by i) - 1 as rn, * from gen_person_hs where has_segment;
set variable n_sf = (select count(*) from gen_sf_person);
set variable n_hs = (select count(*) from gen_hs_person);
set variable n_seg = (select count(*) from gen_seg_person);
""",
        ),
    ]


def _website(domain: str, i: str, salt: str) -> str:
    return (
        f"pick(['https://www.' || {domain} || '/', 'http://' || {domain}, 'www.' || {domain}, "
        f"{domain}, 'https://' || {domain} || '/about', 'HTTPS://WWW.' || upper({domain})], "
        f"{i}, '{salt}')"
    )


def _versions(key: str, salt: str, rate: float) -> str:
    """Join that doubles a row into (v=0 latest, v=1 older version) for `rate` of the rows."""
    return (
        f"cross join (select 0 as v union all select 1 as v) as versions "
        f"where (versions.v = 0 or u({key}, '{salt}') < {rate})"
    )


def event_time(cfg: GeneratorConfig, start: str, person: str, e: str, salt: str, events: int, people: str) -> str:
    """When activity row `e` of `person` happened: in one of the person's sessions of its table.

    `events` rows of the table over the `people` SQL variable's count of people give the
    sessions per person (about cfg.events_per_session events each); events_per_session 1 spreads
    every row independently (event_at).
    """
    if cfg.events_per_session <= 1:
        return f"event_at({start}, {e}, '{salt}')"
    sessions = f"greatest(1, round({events} / getvariable('{people}') / {cfg.events_per_session}))::bigint"
    return f"session_at({start}, {person}, {e}, '{salt}', {sessions})"


def session_index(cfg: GeneratorConfig, e: str, salt: str, events: int, people: str) -> str:
    """Which of its person's sessions activity row `e` falls into (as event_time places it)."""
    if cfg.events_per_session <= 1:
        return e
    sessions = f"greatest(1, round({events} / getvariable('{people}') / {cfg.events_per_session}))::bigint"
    return f"hash({e}, '{salt}' || 's', {cfg.seed}) % {sessions}"


def step_macros_sql(cfg: GeneratorConfig) -> str:
    anchor = f"timestamp '{cfg.anchor_date.isoformat()} 00:00:00'"
    late = cfg.dirt.late_arrivals
    return f"""
create or replace temp macro step_at(created, i, k, n) as
    case when k = 0 then created
         else created + to_seconds((epoch({anchor}) - epoch(created))
                                    * (k + 0.9 * u(i, 'st' || k::varchar)) / (n + 0.5)) end;
-- when status step k of a person's path happened: step 2 is sales' answer to the MQL
-- (response_step_at, hours or days later); the last step is the lead's current status,
-- changed at status_changed_at (the conversion time its opportunity is created at); the
-- others spread over the person's life, earlier steps strictly before later ones
create or replace temp macro path_step_at(created, status_changed, response, i, k, n) as
    case when k = 2 then response
         when k > 0 and k = n - 1 then status_changed
         else step_at(created, i, k, n) end;
create or replace temp macro event_at(start_at, e, salt) as
    start_at + to_seconds((epoch({anchor}) - epoch(start_at)) * power(u(e, salt), 0.6));
-- session_at: event e of person i falls into one of the person's `sessions` sessions of this
-- table (salt), each placed like event_at, the event up to {SESSION_MINUTES} minutes into it
create or replace temp macro session_at(start_at, i, e, salt, sessions) as
    least(
        event_at(start_at, i * 100003 + hash(e, salt || 's', {cfg.seed}) % sessions, salt)
            + to_seconds(u(e, salt || 'o') * {SESSION_MINUTES * 60}),
        {anchor} - interval 1 second);
create or replace temp macro future_or(ts, e, salt) as
    case when u(e, salt) < {cfg.dirt.future_timestamp}
         then {anchor} + to_seconds((30 + u(e, salt || 'd') * 300) * 86400.0) else ts end;
create or replace temp macro hs_stage(s) as
    case s when 'Open - Not Contacted' then 'lead' when 'MQL' then 'marketingqualifiedlead'
           when 'Working - Contacted' then 'marketingqualifiedlead'
           when 'Qualified' then 'salesqualifiedlead' when 'Converted' then 'opportunity'
           else 'lead' end;
create or replace temp macro hs_status(s) as
    case s when 'Open - Not Contacted' then 'NEW' when 'MQL' then 'OPEN'
           when 'Working - Contacted' then 'IN_PROGRESS' when 'Qualified' then 'CONNECTED'
           when 'Unqualified' then 'UNQUALIFIED' when 'Recycled' then 'BAD_TIMING'
           else 'OPEN_DEAL' end;
-- arrival stamps: a loader writes a row minutes after it changed, a share of rows hours to
-- {LATE_SECONDS // 86400} days late; nothing is written after the anchor ('now')
create or replace temp macro arrival_delay(k, salt) as
    case when u(k, salt || '_late') < {late}
         then 3600 + u(k, salt || '_lh') * {LATE_SECONDS - 3600}
         else 60 + u(k, salt || '_sy') * 840 end;
create or replace temp macro synced(changed, k, salt) as
    least(changed + to_seconds(arrival_delay(k, salt)), {anchor} - interval 1 second);
-- version v of a row (0 the newest): an older version was written before the newest one
create or replace temp macro version_synced(v, changed, newest, k, salt) as
    case when v = 0 then synced(changed, k, salt)
         else least(synced(changed, k, salt || '_old'), synced(newest, k, salt) - interval 1 minute) end;
-- Segment: a message reaches Segment's servers seconds after the call, a share hours to days
-- later (a device offline); a re-delivered copy (v = 1) an hour or more after the first
create or replace temp macro seg_delay(k, salt) as
    case when u(k, salt || '_late') < {late}
         then 3600 + u(k, salt || '_lh') * {LATE_SECONDS - 3600}
         else 0.05 + u(k, salt || '_d') * 4 end;
create or replace temp macro seg_received(ts, k, salt, v) as
    least(ts + to_seconds(seg_delay(k, salt) + v * (3600 + u(k, salt || '_rd') * 7200)),
          {anchor} - to_seconds(2 - v));
-- the device's clock: a few are minutes off (Segment corrects timestamp for it)
create or replace temp macro seg_original(ts, k, salt) as
    ts + to_seconds(case when u(k, salt || '_sk') < 0.03 then (u(k, salt || '_skv') - 0.5) * 600
                         else 0 end);
-- when the warehouse loader processed the row
create or replace temp macro seg_uuid_ts(received, k, salt) as
    least(received + to_seconds(5 + u(k, salt || '_uu') * 600), {anchor} - interval 1 second);
"""


def salesforce_sql(cfg: GeneratorConfig) -> list[tuple[str, str]]:
    d = cfg.dirt
    n = cfg.leads
    anchor = f"timestamp '{cfg.anchor_date.isoformat()} 00:00:00'"
    lead = f"""
create or replace table raw_salesforce.lead as
with lead_people as (
    select *, i as id_num, 0 as dup_k from gen_person where has_sf_lead
    union all
    -- the same person entered twice: a second, later lead with its own id
    select
        * replace (
            ['Open - Not Contacted'] as status_path,
            1 as n_steps,
            'Open - Not Contacted' as status,
            false as is_converted,
            created_at + to_seconds((epoch({anchor}) - epoch(created_at)) / 2) as created_at,
            created_at + to_seconds((epoch({anchor}) - epoch(created_at)) / 2) as status_changed_at
        ),
        {n} * 40 + i as id_num,
        1 as dup_k
    from gen_person
    where has_sf_lead and u(i, 'duplead') < {d.duplicate_person_records}
),
versioned as (
    select
        lead_people.*,
        versions.v,
        case when versions.v = 1 then ago(status_changed_at, 1 + u(i, 'oldmod')) else status_changed_at
            end as modified_at,
        case when versions.v = 1 then ago(status_changed_at, 1 + u(i, 'oldmod'))
             else status_changed_at + interval 1 minute end as modstamp_at,
        greatest(created_at, status_changed_at + interval 1 minute) as newest_change_at
    from lead_people
    {_versions('id_num', 'ldup', d.duplicate_versions)}
)
select
    sfid('00Q', id_num) as id,
    v = 0 and u(id_num, 'ldel') < {d.soft_deleted} as is_deleted,
    case when v = 0 and u(id_num, 'ldel') < {d.soft_deleted} / 2
         then sfid('00Q', (i + 1) % {n}) end as master_record_id,
    case when u(i, 'salut') < 0.4 then choose({lit(vocab.SALUTATIONS)}, i, 'salutv') end as salutation,
    first_name,
    last_name,
    first_name || ' ' || last_name as name,
    dirty_email(email, id_num, 'sfl' || v::varchar) as email,
    '+1-555-' || lpad((i % 10000)::varchar, 4, '0') as phone,
    case when u(i, 'ntitle') < {d.null_title} then null
         when v = 1 then pick({lit(vocab.TITLES)}, i, 'oldtitle') else title end as title,
    case when u(i, 'ncomp') < {d.null_company} then null
         when has_account then account_name
         else pick(['Self-employed', 'Freelance', 'n/a'], i, 'pcomp') end as company,
    case when has_account then {_website('email_domain', 'i', 'lweb')} end as website,
    industry,
    employees::bigint as number_of_employees,
    (employees * 150000.0)::double as annual_revenue,
    (1 + hash(i, 'street', {cfg.seed}) % 980)::varchar || ' ' || choose({lit(vocab.STREET_NAMES)}, i, 'streetn')
        as street,
    pick(['Springfield', 'Riverton', 'Lakeside', 'Fairview'], i, 'city') as city,
    case when country_code = 'US' then pick(['CA', 'NY', 'TX', 'WA'], i, 'state') end as state,
    lpad((hash(i, 'zip', {cfg.seed}) % 99999)::varchar, 5, '0') as postal_code,
    {_country_variant_expr('country_code', 'i', 'lcv', d.null_country)} as country,
    -- an org's own picklist value leadflow's seeds do not map (audit_unmapped_values lists it)
    case when u(i, 'lsunmapped') < {d.unmapped_picklist_value} then 'Podcast' else lead_source end as lead_source,
    case when v = 1 and n_steps > 1 then status_path[n_steps - 1] else status end as status,
    pick(['Hot', 'Warm', 'Cold'], i, 'rating') as rating,
    -- a share of the leads nobody works yet (not contacted, or an MQL waiting for acceptance)
    -- still sits in the lead queue (a Queue owns them, id 00G...) until they are routed
    case when status in ('Open - Not Contacted', 'MQL') and u(i, 'queued') < {LEAD_QUEUE_SHARE}
         then {LEAD_QUEUE_SQL} else sfid('005', owner_k) end as owner_id,
    v = 0 and is_converted as is_converted,
    case when v = 0 and is_converted then status_changed_at::date end as converted_date,
    case when v = 0 and is_converted then account_id end as converted_account_id,
    case when v = 0 and is_converted then sfid('003', i) end as converted_contact_id,
    case when v = 0 and is_converted and converted_with_opportunity
         then sfid('006', i) end as converted_opportunity_id,
    is_opted_out as has_opted_out_of_email,
    status = 'Open - Not Contacted' and u(i, 'unread') < 0.6 as is_unread_by_owner,
    case when u(i, 'ldesc') < 0.1
         then 'Asked about ' || pick({lit(vocab.PRODUCT_INTERESTS)}, i, 'pi') || ' via ' || lead_source
    end as description,
    case when n_steps >= 3 then status_changed_at::date end as last_activity_date,
    case when status = 'Unqualified' then pick({lit(vocab.REJECTION_REASON_VARIANTS)}, i, 'rej')
         when status = 'Recycled' then pick({lit(vocab.RECYCLE_REASON_VARIANTS)}, i, 'rej')
         end as rejection_reason_c,
    pick({lit(vocab.PRODUCT_INTERESTS)}, i, 'pi') as product_interest_c,
    sfid('005', owner_k) as created_by_id,
    future_or(created_at, id_num, 'lfut') as created_date,
    modified_at as last_modified_date,
    modstamp_at as system_modstamp,
    version_synced(v, greatest(created_at, modstamp_at), newest_change_at, id_num, 'lsync') as _fivetran_synced
from versioned
"""
    contact = f"""
create or replace table raw_salesforce.contact as
with versioned as (
    select
        gen_person.*,
        versions.v,
        case when is_converted then status_changed_at else created_at end as created_ts,
        {anchor} - interval 2 day - versions.v * interval 5 day as modified_at
    from gen_person
    {_versions('i', 'cdup', d.duplicate_versions)} and has_sf_contact
)
select
    sfid('003', i) as id,
    v = 0 and u(i, 'cdel') < {d.soft_deleted} as is_deleted,
    null::varchar as master_record_id,
    case when u(i, 'corph') < {d.orphan_reference} then sfid('001', {cfg.accounts} + i)
         else account_id end as account_id,
    first_name,
    last_name,
    first_name || ' ' || last_name as name,
    dirty_email(email, i, 'sfc' || v::varchar) as email,
    '+1-555-' || lpad((i % 10000)::varchar, 4, '0') as phone,
    case when u(i, 'ctitle') < {d.null_title} then null else title end as title,
    sfid('005', account_owner_k) as owner_id,
    lead_source,
    is_opted_out and u(i, 'copt') < 0.9 as has_opted_out_of_email,
    choose({lit(vocab.CITIES)}, i, 'mcity') as mailing_city,
    {_country_variant_expr('country_code', 'i', 'mcv', d.null_country)} as mailing_country,
    case when n_steps >= 3 then status_changed_at::date end as last_activity_date,
    created_ts as created_date,
    modified_at as last_modified_date,
    modified_at as system_modstamp,
    version_synced(v, greatest(created_ts, modified_at), greatest(created_ts, {anchor} - interval 2 day),
                   i, 'csync') as _fivetran_synced
from versioned
"""
    account = f"""
create or replace table raw_salesforce.account as
with versioned as (
    select gen_account.*, versions.v, ago({anchor}, 10 + versions.v * 30) as modified_at
    from gen_account
    {_versions('j', 'adup', d.duplicate_versions)}
)
select
    account_id as id,
    v = 0 and u(j, 'adel') < {d.soft_deleted} as is_deleted,
    name,
    case when u(j, 'nweb') < 0.02 then null else {_website('domain', 'j', 'aweb')} end as website,
    industry,
    case when v = 1 then null else employees end::bigint as number_of_employees,
    (employees * 150000.0)::double as annual_revenue,
    choose({lit(vocab.CITIES)}, j, 'acity') as billing_city,
    {_country_variant_expr('country_code', 'j', 'acv', d.null_country)} as billing_country,
    null::varchar as billing_state,
    lpad((hash(j, 'azip', {cfg.seed}) % 99999)::varchar, 5, '0') as billing_postal_code,
    account_type as type,
    choose(['Web', 'Outbound', 'Partner Referral', 'Trade Show'], j, 'asrc') as account_source,
    sfid('005', owner_k) as owner_id,
    case when j > 0 and u(j, 'parent') < 0.05 then sfid('001', j - 1) end as parent_id,
    created_at as created_date,
    modified_at as last_modified_date,
    modified_at as system_modstamp,
    version_synced(v, greatest(created_at, modified_at), greatest(created_at, ago({anchor}, 10)), j, 'async')
        as _fivetran_synced
from versioned
"""
    opportunity = f"""
create or replace table raw_salesforce.opportunity as
with converted as (
    select
        sfid('006', i) as id,
        account_id,
        account_name || ' - New Business' as name,
        'New Business' as type,
        u(i, 'ostage') as u_stage,
        account_owner_k as owner_k,
        lead_source,
        status_changed_at as created_at,
        i as k
    from gen_person
    where is_converted and converted_with_opportunity
),
from_accounts as (
    select
        sfid('006', {n} + j) as id,
        account_id,
        name || case when account_type = 'Customer' then ' - Initial' else ' - Expansion' end,
        case when account_type = 'Customer' then 'New Business' else 'Expansion' end,
        case when account_type = 'Customer' then 0.99 else 0.1 end,
        owner_k,
        'Outbound',
        ago({anchor}, 60 + u(j, 'aopp') * 600),
        {n} + j
    from gen_account
    where account_type = 'Customer' or (account_type = 'Prospect' and u(j, 'openopp') < 0.08)
),
unioned as (select * from converted union all select * from from_accounts),
staged as (
    select
        *,
        case when u_stage < 0.2 then 'Prospecting' when u_stage < 0.4 then 'Discovery'
             when u_stage < 0.55 then 'Proposal' when u_stage < 0.75 then 'Closed Lost'
             else 'Closed Won' end as stage_name,
        -- edited a day after it was created, never after 'now'
        greatest(created_at, least(created_at + interval 1 day, {anchor} - interval 1 minute)) as modified_at
    from unioned
)
select
    id,
    u(k, 'odel') < {d.soft_deleted} / 3 as is_deleted,
    account_id,
    name,
    type,
    stage_name,
    round(5000 + u(k, 'amt') * 95000, 2)::double as amount,
    case stage_name when 'Prospecting' then 10.0 when 'Discovery' then 20.0 when 'Proposal' then 60.0
         when 'Closed Lost' then 0.0 else 100.0 end as probability,
    case stage_name when 'Closed Won' then 'Closed' when 'Closed Lost' then 'Omitted'
         when 'Proposal' then 'BestCase' else 'Pipeline' end as forecast_category,
    (created_at + interval 45 day)::date as close_date,
    u_stage >= 0.55 as is_closed,
    u_stage >= 0.75 as is_won,
    sfid('005', owner_k) as owner_id,
    lead_source,
    created_at as created_date,
    modified_at as last_modified_date,
    modified_at as system_modstamp,
    synced(modified_at, k, 'osync') as _fivetran_synced
from staged
"""
    user = f"""
create or replace table raw_salesforce."user" as
with named as (
    select
        *,
        lower(regexp_replace(strip_accents(first_name), '[^A-Za-z]', '', 'g')) || '.'
            || lower(regexp_replace(strip_accents(last_name), '[^A-Za-z]', '', 'g'))
            || k::varchar || '@{vocab.INTERNAL_DOMAIN}' as email,
        -- a deactivated user was last edited when it was deactivated
        case when is_active then ago({anchor}, 30) else ago({anchor}, 30 + u(k, 'udeact') * 300) end
            as modified_at
    from gen_user
)
select
    user_id as id,
    email || '.sales' as username,
    first_name,
    last_name,
    first_name || ' ' || last_name as name,
    lower(left(strip_accents(first_name), 1) || left(regexp_replace(strip_accents(last_name), '[^A-Za-z]', '', 'g'), 4))
        as alias,
    email,
    title,
    'Sales' as department,
    is_active,
    'Standard' as user_type,
    time_zone as time_zone_sid_key,
    ago({anchor}, 900) as created_date,
    modified_at as last_modified_date,
    modified_at as system_modstamp,
    false as _fivetran_deleted,
    synced(modified_at, k, 'usync') as _fivetran_synced
from named
"""
    lead_history = f"""
create or replace table raw_salesforce.lead_history as
with steps as (
    select
        i, owner_k, created_at, status_path, n_steps, is_converted, status_changed_at, response_step_at,
        unnest(generate_series(0, n_steps - 1)) as k
    from gen_person
    where has_sf_lead
),
stamped as (
    select
        *,
        path_step_at(created_at, status_changed_at, response_step_at, i, k, n_steps) as changed_at
    from steps
),
status_rows as (
    select
        sfid('017', i * 10 + k) as id,
        sfid('00Q', i) as lead_id,
        case when k = 0 then 'created' else 'Status' end as field,
        case when k > 0 then status_path[k] end as old_value,
        case when k > 0 then status_path[k + 1] end as new_value,
        changed_at as created_date,
        sfid('005', owner_k) as created_by_id,
        i
    from stamped
),
extra_rows as (
    -- an owner change lands on the current owner: half from the lead queue (assigned by a
    -- rule or a person), half from another rep (reassigned by hand); a lead still queued has none
    select sfid('017', i * 10 + 8), sfid('00Q', i), 'Owner',
           case when u(i, 'ownfrom') < 0.5 then {LEAD_QUEUE_SQL} else sfid('005', (owner_k + 1) % {cfg.users}) end,
           sfid('005', owner_k),
           changed_at + interval 1 minute,
           case when u(i, 'ownfrom') < 0.5 and u(i, 'ownby') < 0.8 then {AUTOMATION_USER_SQL}
                else sfid('005', (owner_k + 2) % {cfg.users}) end,
           i
    from stamped where k = 1 and u(i, 'ownchg') < 0.2 and u(i, 'queued') >= {LEAD_QUEUE_SHARE}
    union all
    select sfid('017', i * 10 + 9), sfid('00Q', i), 'leadConverted', null, null,
           changed_at + interval 2 minute, sfid('005', owner_k), i
    from stamped where k = n_steps - 1 and is_converted
    union all
    select sfid('017', i * 10 + 7), sfid('00Q', {n} * 10 + i), 'Status',
           'Open - Not Contacted', 'MQL', created_at, sfid('005', owner_k), i
    from stamped where k = 0 and u(i, 'lhorph') < {d.orphan_reference}
),
unioned as (select * from status_rows union all select * from extra_rows)
select
    id, lead_id, field,
    -- Salesforce's DataType of the changed field
    case field when 'Status' then 'DynamicEnum' when 'Owner' then 'EntityId' else 'Text' end as data_type,
    old_value, new_value,
    future_or(created_date, i, 'lhfut' || id) as created_date,
    created_by_id,
    u(i, 'lhdel' || id) < 0.002 as is_deleted,
    synced(created_date, id, 'lhsync') as _fivetran_synced
from unioned
"""
    campaign = f"""
create or replace table raw_salesforce.campaign as
with dated as (
    select
        *,
        start_date::timestamp - interval 30 day + to_seconds(u(c, 'ccr') * 20 * 86400.0) as created_at,
        case when start_date > {anchor}::date - 14 then 'In Progress' else 'Completed' end as status
    from gen_campaign
),
modified as (
    -- last edited the day after it ended (results entered), never after 'now'
    select *, greatest(created_at, least((start_date + 1)::timestamp + interval 18 hour,
                                         {anchor} - interval 1 hour)) as modified_at
    from dated
)
select
    campaign_id as id,
    u(c, 'cdel') < 0.01 as is_deleted,
    campaign_type || ': ' || pick(['Lead scoring', 'Routing', 'SLA', 'RevOps'], c, 'ctopic')
        || ' #' || c::varchar as name,
    campaign_type as type,
    status,
    status = 'In Progress' as is_active,
    start_date,
    start_date + 1 as end_date,
    created_at as created_date,
    modified_at as last_modified_date,
    modified_at as system_modstamp,
    synced(modified_at, c, 'csync') as _fivetran_synced
from modified
"""
    n_members = max(1, round(n * 1.5))
    campaign_member = f"""
create or replace table raw_salesforce.campaign_member as
with drawn as (
    select
        m,
        p.*,
        c.campaign_id,
        c.campaign_type,
        c.start_date,
        u(m, 'cmst') as u_status
    from {numbers(n_members, 'm')}
    inner join gen_sf_person as p
        on p.rn = hash(m, 'cmp', {cfg.seed}) % getvariable('n_sf')
    inner join gen_campaign as c on c.c = hash(m, 'cmc', {cfg.seed}) % {cfg.campaigns}
),
shaped as (
    select
        *,
        case when u(m, 'cmmiss') < {d.missing_identity} then null
             when u(m, 'cmorph') < {d.orphan_reference} then sfid('00Q', {n} * 20 + m)
             when has_sf_lead and (not is_converted or u(m, 'cml') < 0.5) then sfid('00Q', i)
        end as lead_ref,
        case when campaign_type = 'Webinar'
             then case when u_status < 0.4 then 'Registered' when u_status < 0.8 then 'Attended'
                       else 'No Show' end
             else case when u_status < 0.5 then 'Sent' when u_status < 0.8 then 'Responded'
                       else 'Downloaded' end
        end as member_status,
        least(start_date::timestamp - interval 7 day + to_seconds(u(m, 'cmt') * 14 * 86400.0),
              timestamp '{cfg.anchor_date.isoformat()}' - interval 1 hour) as member_created_at
    from drawn
),
versioned as (
    select
        shaped.*,
        versions.v,
        case when lead_ref is null and u(m, 'cmmiss') >= {d.missing_identity}
             then sfid('003', i) end as contact_ref,
        member_created_at + versions.v * interval 0 day
            + (1 - versions.v) * interval 1 hour as modstamp_at
    from shaped
    {_versions('m', 'cmdup', d.duplicate_versions)}
        and (lead_ref is not null or has_sf_contact or u(m, 'cmmiss') < {d.missing_identity})
)
select
    sfid('00v', m) as id,
    v = 0 and u(m, 'cmdel') < {d.soft_deleted} as is_deleted,
    campaign_id,
    lead_ref as lead_id,
    contact_ref as contact_id,
    coalesce(lead_ref, contact_ref) as lead_or_contact_id,
    case when lead_ref is not null then 'Lead' when contact_ref is not null then 'Contact' end as type,
    case when v = 1 then 'Registered' else member_status end as status,
    v = 0 and member_status in ('Attended', 'Responded', 'Downloaded') as has_responded,
    -- a webinar is attended on its day (registration came up to a week before), capped at the
    -- anchor; content is downloaded and campaigns answered when the member is added
    case when v = 0 and member_status = 'Attended'
         then least(greatest(member_created_at::date, start_date::date),
                    (timestamp '{cfg.anchor_date.isoformat()}' - interval 1 hour)::date)
         when v = 0 and member_status in ('Responded', 'Downloaded')
         then member_created_at::date end as first_responded_date,
    member_created_at as created_date,
    modstamp_at as last_modified_date,
    modstamp_at as system_modstamp,
    version_synced(v, modstamp_at, member_created_at + interval 1 hour, m, 'cmsync') as _fivetran_synced
from versioned
"""
    n_tasks = max(1, round(n * cfg.events_per_lead * 0.02))
    subjects = [f"{t}|{s}" for t, s in vocab.TASK_SUBJECTS]
    task = f"""
create or replace table raw_salesforce.task as
with drawn as (
    select t, p.*, pick({lit(subjects)}, t, 'tsub') as type_subject
    from {numbers(n_tasks, 't')}
    inner join gen_sf_person as p
        on p.rn = hash(t, 'tp', {cfg.seed}) % getvariable('n_sf')
),
timed as (
    -- a third of the tasks on people who became an MQL are the rep's first touch, mostly
    -- within a few hours of the MQL; the rest fall anywhere in the person's life
    select
        *,
        n_steps >= 2 and u(t, 'touch') < 0.35 as is_first_touch,
        case when n_steps >= 2 and u(t, 'touch') < 0.35
             then least({anchor} - interval 1 minute, mql_step_at + to_seconds(3600 *
                  case when u(t, 'tdelay') < 0.7 then 0.05 + 2.95 * u(t, 'tdelay_a')
                       else 3 + 45 * u(t, 'tdelay_b') end))
             else event_at(created_at, t, 'tts') end as touched_at,
        split_part(type_subject, '|', 1) as task_type
    from drawn
),
shaped as (
    -- a few of the other tasks are still open to-dos (due three days after they were created);
    -- a first touch is always a logged, completed call or email
    select
        *,
        future_or(touched_at, t, 'tfut') as created_ts,
        not is_first_touch and u(t, 'topen') < 0.08 as is_open
    from timed
)
select
    sfid('00T', t) as id,
    u(t, 'tdel') < {d.soft_deleted} as is_deleted,
    case when u(t, 'torph') < {d.orphan_reference} then sfid('00Q', {n} * 30 + t)
         when has_sf_lead and not is_converted then sfid('00Q', i)
         else sfid('003', i) end as who_id,
    null::varchar as what_id,
    sfid('005', owner_k) as owner_id,
    split_part(type_subject, '|', 2) as subject,
    task_type as type,
    case task_type when 'Call' then 'Call' when 'Email' then 'Email' else 'Task' end as task_subtype,
    case when is_open then choose(['Not Started', 'Not Started', 'In Progress'], t, 'tstat') else 'Completed' end
        as status,
    not is_open as is_closed,
    case when u(t, 'tprio') < 0.15 then 'High' else 'Normal' end as priority,
    case when task_type = 'Call' then case when u(t, 'tcin') < 0.1 then 'Inbound' else 'Outbound' end end
        as call_type,
    case when task_type = 'Call' and not is_open then (20 + hash(t, 'tcdur', {cfg.seed}) % 900)::bigint end
        as call_duration_in_seconds,
    case when is_open then (created_ts + interval 3 day)::date else created_ts::date end as activity_date,
    case when not is_open then created_ts end as completed_date_time,
    created_ts as created_date,
    touched_at + interval 1 minute as last_modified_date,
    touched_at + interval 1 minute as system_modstamp,
    synced(touched_at + interval 1 minute, t, 'tsync') as _fivetran_synced
from shaped
"""
    event = f"""
create or replace table raw_salesforce.event as
with worked as (
    -- half of the people sales worked (a status after MQL) had one or two meetings
    select p.*, unnest(generate_series(0, (u(i, 'evn') < 0.5)::bigint)) as g
    from gen_sf_person as p
    where n_steps >= 3 and u(i, 'evany') < 0.5
),
booked as (
    -- booked after sales answered the MQL, held one to seven days later, before 'now'
    select
        *,
        i * 4 + g as ek,
        response_step_at + to_seconds((epoch({anchor}) - epoch(response_step_at))
                                      * (0.3 * g + 0.2 * u(i * 4 + g, 'evc'))) as booked_at
    from worked
),
held as (
    select
        *,
        booked_at + to_seconds(least(86400 * (1 + 6 * u(ek, 'evstart')),
                                     (epoch({anchor}) - epoch(booked_at)) * 0.5)) as start_at,
        choose([30, 30, 45, 60], ek, 'evdur')::bigint as minutes
    from booked
),
modified as (
    select
        *,
        -- edited an hour after the meeting (notes, outcome), never after 'now'
        greatest(booked_at, least(start_at + to_seconds(minutes * 60 + 3600), {anchor} - interval 1 minute))
            as newest_modified_at
    from held
),
versioned as (
    -- an older version: as booked, before the meeting
    select modified.*, versions.v,
           case when versions.v = 1 then booked_at else newest_modified_at end as modified_at
    from modified
    {_versions('ek', 'evdup', d.duplicate_versions)}
)
select
    sfid('00U', ek) as id,
    v = 0 and u(ek, 'evdel') < {d.soft_deleted} as is_deleted,
    case when u(ek, 'evorph') < {d.orphan_reference} then sfid('00Q', {n} * 50 + ek)
         when has_sf_lead and not is_converted then sfid('00Q', i)
         else sfid('003', i) end as who_id,
    case when not (has_sf_lead and not is_converted) and is_converted and converted_with_opportunity
         then sfid('006', i) end as what_id,
    sfid('005', owner_k) as owner_id,
    case when g = 0 then 'Discovery call' else choose({lit(vocab.EVENT_SUBJECTS)}, ek, 'evsub') end as subject,
    'Meeting' as type,
    'Event' as event_subtype,
    choose({lit(vocab.EVENT_LOCATIONS)}, ek, 'evloc') as location,
    false as is_all_day_event,
    'Busy' as show_as,
    start_at as activity_date_time,
    start_at::date as activity_date,
    start_at as start_date_time,
    start_at + to_seconds(minutes * 60) as end_date_time,
    minutes as duration_in_minutes,
    future_or(booked_at, ek, 'evfut') as created_date,
    modified_at as last_modified_date,
    modified_at as system_modstamp,
    version_synced(v, modified_at, newest_modified_at, ek, 'evsync') as _fivetran_synced
from versioned
"""
    return [
        ("raw_salesforce.lead", lead),
        ("raw_salesforce.contact", contact),
        ("raw_salesforce.account", account),
        ("raw_salesforce.opportunity", opportunity),
        ('raw_salesforce."user"', user),
        ("raw_salesforce.lead_history", lead_history),
        ("raw_salesforce.campaign", campaign),
        ("raw_salesforce.campaign_member", campaign_member),
        ("raw_salesforce.task", task),
        ("raw_salesforce.event", event),
    ]


def _hs_employees(col: str, i: str) -> str:
    """HubSpot's numemployees is a dropdown of ranges; absurd counts become junk strings."""
    return (
        f"case when {col} is null then null "
        f"when {col} <= 0 or {col} > 1000000 then pick(['unknown', '-50', ''], {i}, 'hsemp') "
        f"when {col} < 5 then '1-5' when {col} < 25 then '5-25' when {col} < 50 then '25-50' "
        f"when {col} < 100 then '50-100' when {col} < 500 then '100-500' "
        f"when {col} < 1000 then '500-1000' else '1000+' end"
    )


ENGAGEMENT_ID_BASE = 30_000_000_000  # HubSpot engagement ids are 11-digit numbers
ENGAGEMENT_ORPHAN_CONTACT_BASE = 70_000_000  # contact ids that exist nowhere
# HubSpot-defined association type ids of <engagement> -> contact
ENGAGEMENT_CONTACT_TYPE_IDS = {"CALL": 194, "EMAIL": 198, "MEETING": 200}


def hubspot_sql(cfg: GeneratorConfig) -> list[tuple[str, str]]:
    d = cfg.dirt
    n = cfg.leads
    anchor = f"timestamp '{cfg.anchor_date.isoformat()} 00:00:00'"
    portal = vocab.HUBSPOT_PORTAL_ID
    merged = f"u(i, 'merged') < {d.hubspot_merged}"
    reason = (
        f"case status_path[n_steps] "
        f"when 'Unqualified' then pick({lit(vocab.REJECTION_REASON_VARIANTS)}, i, 'rej') "
        f"when 'Recycled' then pick({lit(vocab.RECYCLE_REASON_VARIANTS)}, i, 'rej') end"
    )
    contact = f"""
create or replace table raw_hubspot.contact as
with survivors as (
    select
        hubspot_contact_id as id,
        versions.v,
        versions.v = 0 and u(i, 'hdel') < {d.soft_deleted} as is_deleted,
        versions.v = 0 and {merged} as has_merged,
        p.*
    from gen_hs_person as p
    {_versions('i', 'hdup', d.duplicate_versions)}
),
losers as (
    select 9000000 + i as id, 0 as v, true as is_deleted, false as has_merged, p.*
    from gen_hs_person as p
    where {merged} and u(i, 'loserrow') < 0.5
),
unioned as (select * from survivors union all select * from losers),
merges as (
    -- when the merged-away contacts were merged into this one (older connectors list the time)
    select
        *,
        created_at + to_seconds((epoch({anchor}) - epoch(created_at)) * 0.5 * u(i, 'mergedat')) as merged_at,
        u(i, 'merged2') < 0.3 as merged_twice,
        status_changed_at + interval 5 minute - v * interval 7 day as modified_at
    from unioned
)
select
    id,
    is_deleted as _fivetran_deleted,
    id as property_hs_object_id,
    dirty_email(email, id, 'hse' || v::varchar) as property_email,
    first_name as property_firstname,
    last_name as property_lastname,
    case when u(i, 'hcomp') < {d.null_company} then null else account_name end as property_company,
    case when u(i, 'htitle') < {d.null_title} then null else title end as property_jobtitle,
    industry as property_industry,
    {_hs_employees('employees', 'i')} as property_numemployees,
    {_country_variant_expr('country_code', 'i', 'hcv', d.null_country)} as property_country,
    case when has_account then email_domain end as property_website,
    case when v = 1 then 'lead' else hs_stage(status) end as property_lifecyclestage,
    case when v = 1 then 'NEW' else hs_status(status) end as property_hs_lead_status,
    (5000 + owner_k)::varchar as property_hubspot_owner_id,
    pick(['ORGANIC_SEARCH', 'PAID_SOCIAL', 'DIRECT_TRAFFIC', 'REFERRALS', 'OFFLINE'], i, 'hsrc')
        as property_hs_analytics_source,
    is_opted_out and u(i, 'hopt') < 0.8 as property_hs_email_optout,
    case when has_merged
         then (9000000 + i)::varchar || case when merged_twice then ';' || (9500000 + i)::varchar else '' end
    end as property_hs_merged_object_ids,
    case when has_merged
         then (9000000 + i)::varchar || ':' || epoch_ms(merged_at)::varchar
              || case when merged_twice
                      then ';' || (9500000 + i)::varchar || ':'
                           || epoch_ms(merged_at + to_seconds((epoch({anchor}) - epoch(merged_at)) / 2))::varchar
                      else '' end
    end as property_hs_calculated_merged_vids,
    case when has_account then hubspot_company_id end as property_associatedcompanyid,
    case when v = 0 then {reason} end as property_rejection_reason,
    case when v = 0 and n_steps >= 2
         then path_step_at(created_at, status_changed_at, response_step_at, i, 1, n_steps) + interval 5 minute
    end as property_hs_lifecyclestage_marketingqualifiedlead_date,
    future_or(created_at + interval 3 minute, i, 'hfut') as property_createdate,
    modified_at as property_lastmodifieddate,
    version_synced(v, greatest(created_at + interval 3 minute, modified_at),
                   greatest(created_at + interval 3 minute, status_changed_at + interval 5 minute),
                   id, 'hsync') as _fivetran_synced
from merges
"""
    property_history = f"""
create or replace table raw_hubspot.contact_property_history as
with steps as (
    select
        i, owner_k, created_at, status_path, n_steps, hubspot_contact_id, status_changed_at, response_step_at,
        unnest(generate_series(0, n_steps - 1)) as k
    from gen_hs_person
),
stamped as (
    select
        *,
        path_step_at(created_at, status_changed_at, response_step_at, i, k, n_steps) + interval 5 minute
            as changed_at,
        case when {merged} and k = 0 and u(i, 'phloser') < 0.5 then 9000000 + i
             when u(i * 10 + k, 'phmiss') < {d.missing_identity} then null
             when u(i * 10 + k, 'phorph') < {d.orphan_reference} then 8000000 + i
             else hubspot_contact_id end as ref_id
    from steps
),
props as (
    select ref_id, 'lifecyclestage' as name, hs_stage(status_path[k + 1]) as value,
           changed_at, i, k
    from stamped
    where k = 0 or hs_stage(status_path[k + 1]) <> hs_stage(status_path[k])
    union all
    select ref_id, 'hs_lead_status', hs_status(status_path[k + 1]), changed_at, i, k
    from stamped
    union all
    select ref_id, 'jobtitle', pick({lit(vocab.TITLES)}, i, 'phtitle'), changed_at, i, k
    from stamped where k = 0 and u(i, 'phjt') < 0.3
    union all
    -- the owner set when the contact is first worked (a workflow or a person in the CRM)
    select ref_id, 'hubspot_owner_id', (5000 + owner_k)::varchar, changed_at, i, k
    from stamped where k = 1 and u(i, 'hsownchg') < 0.5
    union all
    -- the rep's reason for the exit, in the same free text Salesforce carries
    select ref_id, 'rejection_reason', {reason}, changed_at, i, k
    from stamped where k = n_steps - 1 and status_path[n_steps] in ('Unqualified', 'Recycled')
)
select
    ref_id as contact_id,
    name,
    value,
    -- a reason is typed with the status change, never stamped in the future
    case when name = 'rejection_reason' then changed_at
         else future_or(changed_at, i * 10 + k, 'phfut' || name) end as "timestamp",
    pick(['CRM_UI', 'AUTOMATION_PLATFORM', 'INTEGRATION', 'IMPORT'], i * 10 + k, 'phsrc') as source,
    'src-' || (i % 97)::varchar as source_id,
    synced(changed_at, i * 10 + k, 'phsync' || name) as _fivetran_synced
from props
"""
    company = f"""
create or replace table raw_hubspot.company as
with flagged as (
    select
        *,
        u(j, 'hcdel') < {d.soft_deleted} as is_gone,
        u(j, 'hcdelv') as u_flag,
        greatest(created_at, ago({anchor}, u(j, 'hcmod') * 90)) as modified_at
    from gen_account
    where u(j, 'hsco') < 0.6
)
select
    hubspot_company_id as id,
    -- a deleted company carries the v2 API's is_deleted, the v3 API's _fivetran_deleted or both;
    -- the other is null, never a contradicting false (leadflow coalesces them, as Fivetran does)
    case when is_gone then case when u_flag < 0.7 then true end
         when u(j, 'hcv2') < 0.3 then null else false end as is_deleted,
    case when is_gone then case when u_flag >= 0.4 then true end else false end as _fivetran_deleted,
    hubspot_company_id as property_hs_object_id,
    name as property_name,
    case when u(j, 'hcwww') < 0.1 then 'www.' || domain else domain end as property_domain,
    industry as property_industry,
    employees::bigint as property_numberofemployees,
    employees::bigint * 150000 as property_annualrevenue,
    choose({lit(vocab.CITIES)}, j, 'acity') as property_city,
    {_country_variant_expr('country_code', 'j', 'hccv', d.null_country)} as property_country,
    case when account_type = 'Customer' then 'customer' else 'lead' end as property_lifecyclestage,
    (5000 + owner_k)::varchar as property_hubspot_owner_id,
    -- the parent company (a HubSpot company property): the Salesforce parent's company when it is
    -- in HubSpot too, and now and then a hierarchy kept in HubSpot alone
    case when j > 0 and u(j - 1, 'hsco') < 0.6 and (u(j, 'parent') < 0.05 or u(j, 'hcparent') < 0.03)
         then (2000000 + j - 1)::bigint end as property_hs_parent_company_id,
    created_at as property_createdate,
    modified_at as property_hs_lastmodifieddate,
    synced(modified_at, j, 'hcsync') as _fivetran_synced
from flagged
"""
    owner = f"""
create or replace table raw_hubspot.owner as
with dated as (
    select
        *,
        ago({anchor}, 900 + u(k, 'hocr') * 200) as created_at,
        -- an owner whose user was deactivated was last updated then
        case when is_active then ago({anchor}, 20 + u(k, 'houp') * 40)
             else ago({anchor}, 30 + u(k, 'udeact') * 300) end as updated_at
    from gen_user
)
select
    hubspot_owner_id as owner_id,
    lower(regexp_replace(strip_accents(first_name), '[^A-Za-z]', '', 'g')) || '.'
        || lower(regexp_replace(strip_accents(last_name), '[^A-Za-z]', '', 'g'))
        || k::varchar || '@{vocab.INTERNAL_DOMAIN}' as email,
    first_name,
    last_name,
    case when is_active then 10400000 + k * 7 end::bigint as active_user_id,
    'PERSON' as type,
    {portal}::bigint as portal_id,
    created_at,
    updated_at,
    synced(updated_at, k, 'hosync') as _fivetran_synced
from dated
"""
    n_email = max(1, round(n * cfg.events_per_lead * 0.25))
    unknown = d.unknown_person_events
    email_time = event_time(cfg, "created_at", "i", "e", "eets", n_email, "n_hs")
    email_event = f"""
create or replace table raw_hubspot.email_event as
with drawn as (
    select e, p.i, p.email, p.created_at, u(e, 'eet') as u_type,
           {session_index(cfg, 'e', 'eets', n_email, 'n_hs')} as send_k
    from {numbers(n_email, 'e')}
    inner join gen_hs_person as p
        on p.rn = hash(e, 'eep', {cfg.seed}) % getvariable('n_hs')
),
typed as (
    select
        *,
        'ee-' || e::varchar as id,
        case when u_type < 0.010 then 'BOUNCE' when u_type < 0.011 then 'SPAMREPORT'
             when u_type < 0.014 then 'STATUSCHANGE'
             else pick({lit(vocab.EMAIL_EVENT_TYPES)}, e, 'eetype') end as type,
        {email_time} as happened_at
    from drawn
)
select
    id,
    type,
    case when u(e, 'eemiss') < {d.missing_identity} then null
         when u(e, 'eeunk') < {unknown} then 'nobody' || e::varchar || '@example.org'
         else dirty_email(email, e, 'eem') end as recipient,
    future_or(happened_at, e, 'eefut') as created,
    (hash(e, 'eec', {cfg.seed}) % 300)::bigint as email_campaign_id,
    -- the send an event belongs to: the SENT event of the same email to the same person
    case when type <> 'SENT'
         then min(case when type = 'SENT' then id end) over (partition by i, send_k) end as sent_by_id,
    {portal}::bigint as portal_id,
    choose({lit(vocab.HUBSPOT_EMAIL_APP_IDS)}, hash(e, 'eec', {cfg.seed}) % 300, 'eeapp')::bigint as app_id,
    u(e, 'eefilt') < 0.01 as filtered_event,
    synced(happened_at, e, 'eesync') as _fivetran_synced
from typed
"""
    email_click = f"""
create or replace table raw_hubspot.email_event_click as
with clicks as (
    select id, _fivetran_synced, cast(substr(id, 4) as bigint) as e
    from raw_hubspot.email_event
    where type = 'CLICK'
)
select
    id,
    'https://www.{vocab.INTERNAL_DOMAIN}' || pick({lit(vocab.PAGE_PATHS)}, e, 'eeurl') as url,
    choose({lit(vocab.EMAIL_CLICK_REFERERS)}, e, 'eeref') as referer,
    pick({lit(vocab.USER_AGENTS)}, e, 'eeua') as user_agent,
    pick({lit(vocab.EMAIL_CLICK_BROWSERS)}, e, 'eeua') as browser,
    choose({lit(vocab.EMAIL_CLICK_LOCATIONS)}, e, 'eeloc') as location,
    '203.0.' || (hash(e, 'eeip1', {cfg.seed}) % 250)::varchar || '.'
        || (hash(e, 'eeip2', {cfg.seed}) % 250)::varchar as ip_address,
    _fivetran_synced
from clicks
"""
    email_status = f"""
create or replace table raw_hubspot.email_event_status_change as
with changes as (
    select id, _fivetran_synced, cast(substr(id, 4) as bigint) as e
    from raw_hubspot.email_event
    where type = 'STATUSCHANGE'
)
select
    id,
    case when u(e, 'eesub') < 0.85 then 'UNSUBSCRIBED' else 'SUBSCRIBED' end as portal_subscription_status,
    -- mostly the recipient's own click; a few changed by a user of the portal on request
    case when u(e, 'eesrc') < 0.9 then 'SOURCE_RECIPIENT' else 'SOURCE_HUBSPOT_CUSTOMER' end as source,
    case when u(e, 'eesrc') >= 0.9
         then 'marketing.ops' || (hash(e, 'eereq', {cfg.seed}) % 3)::varchar || '@{vocab.INTERNAL_DOMAIN}'
    end as requested_by,
    '[]' as subscriptions,
    false as bounced,
    _fivetran_synced
from changes
"""
    n_forms = max(1, round(n * cfg.events_per_lead * 0.01))
    form_paths = [p for p, _ in vocab.FORM_PAGES]
    form_titles = [t for _, t in vocab.FORM_PAGES]
    forms = f"""
create or replace table raw_hubspot.contact_form_submission as
with drawn as (
    select f, p.*, 1 + (hash(f, 'fpage', {cfg.seed}) % {len(vocab.FORM_PAGES)})::bigint as page_k
    from {numbers(n_forms, 'f')}
    inner join gen_hs_person as p
        on p.rn = hash(f, 'fp', {cfg.seed}) % getvariable('n_hs')
),
timed as (
    select *, {event_time(cfg, 'created_at', 'i', 'f', 'fts', n_forms, 'n_hs')} as submitted_at from drawn
    union all
    -- most people who become an MQL raised their hand just before it: a demo request minutes
    -- before the MQL, and half of those asked to talk to sales the day before
    select 10000000 + i * 2 as f, p.*, 1 as page_k,
           mql_step_at - to_seconds(60 + hash(i, 'hrdemo', {cfg.seed}) % 1800) as submitted_at
    from gen_hs_person as p
    where n_steps >= 2 and u(i, 'handraise') < 0.6
    union all
    select 10000000 + i * 2 + 1 as f, p.*, 2 as page_k,
           mql_step_at - to_seconds(86400 + hash(i, 'hrsales', {cfg.seed}) % 3600) as submitted_at
    from gen_hs_person as p
    where n_steps >= 2 and u(i, 'handraise') < 0.3
)
select
    case when u(f, 'fmiss') < {d.missing_identity} then null
         when u(f, 'forph') < {d.orphan_reference} then 8500000 + f
         when {merged} and u(f, 'floser') < 0.3 then 9000000 + i
         else hubspot_contact_id end as contact_id,
    'conv-' || f::varchar as conversion_id,
    'form-' || page_k::varchar as form_id,
    future_or(submitted_at, f, 'ffut') as "timestamp",
    'https://www.{vocab.INTERNAL_DOMAIN}' || {lit(form_paths)}[page_k] as page_url,
    {lit(form_titles)}[page_k] as title,
    {portal}::bigint as portal_id,
    synced(submitted_at, f, 'fsync') as _fivetran_synced
from timed
"""
    engagements = f"""
create or replace temp table gen_hs_engagement as
with worked as (
    -- people sales worked (MQL and beyond): one to three calls, emails or meetings each,
    -- logged by the contact's owner after the answer to the MQL
    select p.*, unnest(generate_series(0, floor(u(i, 'engn') * 3)::bigint)) as g
    from gen_hs_person as p
    where n_steps >= 2
),
typed as (
    select
        *,
        i * 4 + g as ek,
        case when n_steps >= 3 and u(i * 4 + g, 'engt') < 0.2 then 'MEETING'
             when u(i * 4 + g, 'engt') < 0.6 then 'CALL' else 'EMAIL' end as engagement_type,
        epoch({anchor}) - epoch(response_step_at) as span
    from worked
),
timed as (
    -- the first one is the answer itself (minutes after the response step), later ones spread
    -- over the first half of the time left
    select
        *,
        {ENGAGEMENT_ID_BASE} + ek as engagement_id,
        response_step_at + to_seconds(case when g = 0 then least(60 + u(ek, 'engo0') * 1800, span * 0.1)
                                           else span * (0.1 + 0.4 * power(u(ek, 'engo'), 2)) end)
            as occurred_at
    from typed
),
logged as (
    select
        *,
        -- a meeting is booked before it starts; a call or email is logged right after it
        case when engagement_type = 'MEETING'
             then occurred_at - to_seconds((epoch(occurred_at) - epoch(response_step_at)) * 0.5 * u(ek, 'engbk'))
             else occurred_at + to_seconds(5 + u(ek, 'englog') * 120) end as logged_at
    from timed
)
select
    *,
    least(greatest(logged_at, occurred_at)
              + to_seconds(case when engagement_type = 'MEETING' then 3600 + u(ek, 'engmod') * 82800
                                else 60 + u(ek, 'engmod') * 600 end),
          {anchor} - interval 1 second) as modified_at,
    (5000 + owner_k)::bigint as owner_id,
    (700 + owner_k % 5)::bigint as team_id
from logged
"""
    eng_versions = _versions("ek", "engdup", d.duplicate_versions)

    def engagement_child(kind: str, columns: str) -> str:
        return f"""
create or replace table raw_hubspot.engagement_{kind.lower()} as
with versioned as (
    -- an older version: as first logged (a meeting still SCHEDULED)
    select gen_hs_engagement.*, versions.v,
           case when versions.v = 1 then logged_at else modified_at end as version_modified_at
    from gen_hs_engagement
    {eng_versions} and engagement_type = '{kind}'
)
select
    engagement_id,
    '{kind}' as type,
    v = 0 and u(ek, 'engdel') < {d.soft_deleted} as _fivetran_deleted,
    engagement_id as property_hs_object_id,
    logged_at as property_hs_createdate,
    future_or(occurred_at, ek, 'engfut') as property_hs_timestamp,
    owner_id as property_hubspot_owner_id,
    team_id as property_hubspot_team_id,
    {columns},
    version_modified_at as property_hs_lastmodifieddate,
    version_synced(v, version_modified_at, modified_at, ek, 'engsync') as _fivetran_synced
from versioned
"""

    call = engagement_child(
        "CALL",
        """case when u(ek, 'engcs') < 0.75 then 'COMPLETED' when u(ek, 'engcs') < 0.9 then 'NO_ANSWER'
         else 'BUSY' end as property_hs_call_status,
    case when u(ek, 'engcd') < 0.9 then 'OUTBOUND' else 'INBOUND' end as property_hs_call_direction""",
    )
    email = engagement_child(
        "EMAIL",
        f"""case when g > 0 and u(ek, 'enged') < 0.25 then 'INCOMING_EMAIL' else 'EMAIL' end
        as property_hs_email_direction,
    'SENT' as property_hs_email_status,
    case when g > 0 and u(ek, 'enged') < 0.25 then 'Re: ' else '' end
        || choose({lit(vocab.ENGAGEMENT_EMAIL_SUBJECTS)}, ek, 'engsub') as property_hs_email_subject,
    owner_id::varchar as property_hs_all_owner_ids""",
    )
    meeting = engagement_child(
        "MEETING",
        f"""case when v = 1 then 'SCHEDULED'
         when u(ek, 'engmo') < 0.7 then 'COMPLETED' when u(ek, 'engmo') < 0.85 then 'NO_SHOW'
         else 'SCHEDULED' end as property_hs_meeting_outcome,
    occurred_at as property_hs_meeting_start_time,
    case when g = 0 then 'Discovery call' else choose({lit(vocab.MEETING_TITLES)}, ek, 'engti') end
        as property_hs_meeting_title""",
    )
    type_ids = " ".join(f"when '{k}' then {v}" for k, v in ENGAGEMENT_CONTACT_TYPE_IDS.items())
    engagement = f"""
create or replace table raw_hubspot.engagement as
select
    engagement_id as id,
    engagement_type as type,
    {portal}::bigint as portal_id,
    synced(modified_at, ek, 'engsync') as _fivetran_synced
from gen_hs_engagement
"""
    engagement_contact = f"""
create or replace table raw_hubspot.engagement_contact as
select
    engagement_id,
    case when u(ek, 'engorph') < {d.orphan_reference} then {ENGAGEMENT_ORPHAN_CONTACT_BASE} + ek
         else hubspot_contact_id end::bigint as contact_id,
    'HUBSPOT_DEFINED' as category,
    (case engagement_type {type_ids} end)::bigint as type_id,
    synced(modified_at, ek, 'engsync') as _fivetran_synced
from gen_hs_engagement
"""
    return [
        ("raw_hubspot.contact", contact),
        ("raw_hubspot.contact_property_history", property_history),
        ("raw_hubspot.company", company),
        ("raw_hubspot.owner", owner),
        ("raw_hubspot.email_event", email_event),
        ("raw_hubspot.email_event_click", email_click),
        ("raw_hubspot.email_event_status_change", email_status),
        ("raw_hubspot.contact_form_submission", forms),
        ("engagements", engagements),
        ("raw_hubspot.engagement", engagement),
        ("raw_hubspot.engagement_call", call),
        ("raw_hubspot.engagement_email", email),
        ("raw_hubspot.engagement_meeting", meeting),
        ("raw_hubspot.engagement_contact", engagement_contact),
    ]


SEGMENT_COMMON = (
    "id, anonymous_id, user_id, event, event_text, \"timestamp\", original_timestamp, sent_at, received_at, "
    "uuid_ts, context_library_name, context_library_version"
)


def _segment_arrived(key: str, salt: str, v: str = "0") -> str:
    """Columns `received` and `original` (the device's time of the call) of a message called at `ts`."""
    return (
        f"seg_received(ts, {key}, '{salt}', {v}) as received, seg_original(ts, {key}, '{salt}') as original"
    )


def _segment_stamps(key: str, salt: str) -> str:
    """The four Segment stamps besides `timestamp` from `ts`, `received` and `original`.

    Segment computes timestamp = received_at - (sent_at - original_timestamp), so sent_at is
    original_timestamp plus what the message took to arrive.
    """
    return (
        "original as original_timestamp,\n"
        "    original + (received - ts) as sent_at,\n"
        "    received as received_at,\n"
        f"    seg_uuid_ts(received, {key}, '{salt}') as uuid_ts"
    )


def page_title(path: str) -> str:
    """The <title> of a page of the site: 'Pricing | leadflow', 'Lead scoring | leadflow'."""
    last = path.rstrip("/").rsplit("/", 1)[-1]
    if not last:
        return "leadflow: lead routing and scoring"
    words = last.replace("-", " ")
    return words[0].upper() + words[1:] + " | leadflow"


def segment_sql(cfg: GeneratorConfig) -> list[tuple[str, str]]:
    d = cfg.dirt
    n = cfg.leads
    anchor = f"timestamp '{cfg.anchor_date.isoformat()} 00:00:00'"
    internal_email = (
        "lower(regexp_replace(strip_accents(pick(" + lit(vocab.FIRST_NAMES) + ", k, 'ifn')), "
        "'[^A-Za-z]', '', 'g')) || '.staff' || k::varchar || '@" + vocab.INTERNAL_DOMAIN + "'"
    )
    js_version = f"choose({lit(vocab.ANALYTICS_JS_VERSIONS)}, {{key}}, 'lib')"
    identifies = f"""
create or replace table raw_segment.identifies as
with calls as (
    select
        'idf-' || i::varchar as id,
        'anon-' || i::varchar as anonymous_id,
        'usr-' || i::varchar as user_id,
        dirty_email(email, i, 'sgi') as email,
        first_name,
        last_name,
        least(identified_at, {anchor} - interval 1 hour) as ts
    from gen_seg_person
    union all
    select
        'idf2-' || i::varchar, 'anon-' || i::varchar || '-m', 'usr-' || i::varchar,
        email, first_name, last_name,
        least(identified_at + interval 5 day, {anchor} - interval 1 hour)
    from gen_seg_person
    where u(i, 'dev2') < 0.2
    union all
    select
        'idf-int-' || k::varchar, 'anon-int-' || k::varchar, 'usr-int-' || k::varchar,
        {internal_email}, pick({lit(vocab.FIRST_NAMES)}, k, 'ifn'), choose({lit(vocab.LAST_NAMES)}, k, 'iln'),
        ago({anchor}, 700)
    from range({cfg.internal_users}) as t(k)
)
select
    id,
    anonymous_id,
    user_id,
    email,
    first_name,
    last_name,
    ts as "timestamp",
    {_segment_stamps('id', 'ircv')},
    'analytics.js' as context_library_name,
    {js_version.format(key='id')} as context_library_version
from (select *, {_segment_arrived('id', 'ircv')} from calls) as arrived
"""
    n_pages = max(1, round(n * cfg.events_per_lead * 0.55))
    internal = d.internal_pageviews
    unknown = internal + d.unknown_person_events
    bot = unknown + d.bot_pageviews
    missing = bot + d.missing_identity
    page_titles = [page_title(path) for path in vocab.PAGE_PATHS]
    utm_sources = [s for s, _ in vocab.UTM_SOURCE_MEDIUMS]
    utm_mediums = [m for _, m in vocab.UTM_SOURCE_MEDIUMS]
    pages = f"""
create or replace table raw_segment.pages as
with drawn as (
    select
        e,
        u(e, 'actor') as u_actor,
        (hash(e, 'pint', {cfg.seed}) % {cfg.internal_users}) as k,
        p.i, p.created_at, p.identified_at,
        u(p.i, 'dev2') < 0.2 and u(e, 'pdev') < 0.3 as on_second_device
    from {numbers(n_pages, 'e')}
    inner join gen_seg_person as p
        on p.rn = hash(e, 'psp', {cfg.seed}) % getvariable('n_seg')
),
actors as (
    select
        *,
        case when u_actor < {internal} then 'internal' when u_actor < {unknown} then 'unknown'
             when u_actor < {bot} then 'bot' when u_actor < {missing} then 'missing'
             else 'person' end as actor,
        future_or({event_time(cfg, "created_at - interval 30 day", 'i', 'e', 'pts', n_pages, 'n_seg')}, e, 'pfut')
            as ts
    from drawn
),
shaped as (
    select
        *,
        case actor
            when 'internal' then 'anon-int-' || k::varchar
            when 'unknown' then 'anon-unk-' || (hash(e, 'punk', {cfg.seed}) % {n})::varchar
            when 'bot' then 'anon-bot-' || (hash(e, 'pbot', {cfg.seed}) % 500)::varchar
            when 'person' then 'anon-' || i::varchar
                || case when on_second_device then '-m' else '' end
        end as anon,
        case actor
            when 'internal' then 'usr-int-' || k::varchar
            when 'person' then case
                when ts >= identified_at + case when on_second_device then interval 5 day
                                                else interval 0 day end
                then 'usr-' || i::varchar end
        end as uid,
        1 + (hash(e, 'ppath', {cfg.seed}) % {len(vocab.PAGE_PATHS)})::bigint as path_k,
        pick([null, 'https://www.google.com/', 'https://www.linkedin.com/', 'https://news.ycombinator.com/'],
             e, 'pref') as referrer,
        -- a share of visits arrive from a campaign link (UTM parameters: context.campaign)
        actor in ('person', 'unknown') and u(e, 'putm') < 0.15 as has_utm,
        1 + floor(u(e, 'putms') * {len(utm_sources)})::bigint as utm_k
    from actors
),
titled as (
    select
        *,
        {lit(vocab.PAGE_PATHS)}[path_k] as path,
        {lit(page_titles)}[path_k] as title,
        case when has_utm then {lit(utm_sources)}[utm_k] end as utm_source,
        case when has_utm then {lit(utm_mediums)}[utm_k] end as utm_medium,
        case when has_utm then choose({lit(vocab.UTM_CAMPAIGNS)}, e, 'putmc') end as utm_campaign
    from shaped
),
searched as (
    select
        *,
        case when has_utm
             then '?utm_source=' || utm_source || '&utm_medium=' || utm_medium || '&utm_campaign=' || utm_campaign
        end as search
    from titled
),
located as (
    select *, 'https://www.{vocab.INTERNAL_DOMAIN}' || path || coalesce(search, '') as page_url from searched
),
arrived as (
    select located.*, {_segment_arrived('e', 'prcv', 'versions.v')}
    from located
    {_versions('e', 'pdupe', d.duplicate_events)}
)
select
    'pg-' || e::varchar as id,
    anon as anonymous_id,
    uid as user_id,
    ts as "timestamp",
    {_segment_stamps('e', 'prcv')},
    -- analytics.js sends the page as properties and again as context.page
    path,
    page_url as url,
    referrer,
    title,
    search,
    path as context_page_path,
    page_url as context_page_url,
    referrer as context_page_referrer,
    title as context_page_title,
    search as context_page_search,
    utm_source as context_campaign_source,
    utm_medium as context_campaign_medium,
    utm_campaign as context_campaign_name,
    case when actor = 'bot' then pick({lit(vocab.BOT_USER_AGENTS)}, e, 'pbua')
         else pick({lit(vocab.USER_AGENTS)}, e, 'pua') end as context_user_agent,
    case when actor = 'internal' then '10.20.' || (k % 250)::varchar || '.7'
         else '198.51.' || (hash(e, 'pip1', {cfg.seed}) % 250)::varchar || '.'
              || (hash(e, 'pip2', {cfg.seed}) % 250)::varchar end as context_ip,
    'analytics.js' as context_library_name,
    {js_version.format(key='e')} as context_library_version
from arrived
"""
    n_tracks = max(1, round(n * cfg.events_per_lead * 0.10))
    track_at = event_time(cfg, f"least(identified_at, {anchor} - interval 1 hour)", "i", "e", "tts", n_tracks, "n_seg")
    slugs = " ".join(f"when '{name}' then '{segment_slug(name)}'" for name in track_event_names())
    tracks_all = f"""
create or replace temp table gen_track as
with drawn as (
    select e, u(e, 'tactor') as u_actor, p.i, p.identified_at,
           pick({lit(vocab.TRACK_EVENTS)}, e, 'tev') as event_text
    from {numbers(n_tracks, 'e')}
    inner join gen_seg_person as p
        on p.rn = hash(e, 'tsp', {cfg.seed}) % getvariable('n_seg')
),
timed as (
    select *, future_or({track_at}, e, 'tfut') as ts from drawn
),
arrived as (
    select *, {_segment_arrived('e', 'trcv')} from timed
)
select
    'tr-' || e::varchar as id,
    case when u_actor < {d.missing_identity} then null
         when u_actor < {d.missing_identity + d.unknown_person_events} then null
         else 'anon-' || i::varchar end as anonymous_id,
    case when u_actor < {d.missing_identity} then null
         when u_actor < {d.missing_identity + d.unknown_person_events}
         then 'usr-ghost-' || (hash(e, 'tghost', {cfg.seed}) % {n})::varchar
         else 'usr-' || i::varchar end as user_id,
    -- Segment names the event's table and `event` by the slug, `event_text` keeps the name
    case event_text {slugs} end as event,
    event_text,
    ts as "timestamp",
    {_segment_stamps('e', 'trcv')},
    -- sign-ups and trials are tracked by the backend, the rest in the browser
    case when list_contains({lit(vocab.SERVER_TRACK_EVENTS)}, event_text)
         then 'analytics-node' else 'analytics.js' end as context_library_name,
    case when list_contains({lit(vocab.SERVER_TRACK_EVENTS)}, event_text)
         then choose({lit(vocab.ANALYTICS_NODE_VERSIONS)}, e, 'lib')
         else {js_version.format(key='e')} end as context_library_version,
    pick({lit(vocab.PLANS)}, i, 'tplan') as plan,
    case when event_text = 'Feature Activated' then pick({lit(vocab.FEATURES)}, e, 'tfeat') end as feature
from arrived
"""
    steps = [
        ("raw_segment.identifies", identifies),
        ("raw_segment.pages", pages),
        ("track calls", tracks_all),
        ("raw_segment.tracks", f"create or replace table raw_segment.tracks as select {SEGMENT_COMMON} from gen_track"),
    ]
    # one table per event: the tracks columns plus the event's properties, unprefixed
    for name in track_event_names():
        slug = segment_slug(name)
        properties = "plan" + (", feature" if name == "Feature Activated" else "")
        steps.append((
            f"raw_segment.{slug}",
            f"create or replace table raw_segment.{slug} as "
            f"select {SEGMENT_COMMON}, {properties} from gen_track where event = '{slug}'",
        ))
    return steps
