"""The generator's SQL: one statement per table, vectorised over DuckDB's range().

Randomness is `hash(row, salt, seed)`: deterministic, independent per salt, no Python loop.
Helper macros (created by `macros_sql`):
  u(i, salt)          uniform double in [0, 1)
  pick(list, i, salt) one element of a list
  sfid(prefix, n)     an 18-character Salesforce-style id
  dirty_email(e, i, salt)  the clean address, or one of the dirty shapes at the configured rates
  ago(anchor, days)   anchor minus a fractional number of days
"""

from __future__ import annotations

from collections.abc import Sequence

from . import vocab
from .config import SESSION_MINUTES, GeneratorConfig


def lit(values: Sequence[object]) -> str:
    """A DuckDB list literal."""
    parts = []
    for v in values:
        if isinstance(v, str):
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
    u(i, 'opp') < 0.7 as converted_with_opportunity,
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


def step_macros_sql(cfg: GeneratorConfig) -> str:
    anchor = f"timestamp '{cfg.anchor_date.isoformat()} 00:00:00'"
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
"""


def salesforce_sql(cfg: GeneratorConfig) -> list[tuple[str, str]]:
    d = cfg.dirt
    n = cfg.leads
    anchor = f"timestamp '{cfg.anchor_date.isoformat()} 00:00:00'"
    synced = f"ago({anchor}, u(i, 'sync') * 0.2)"
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
)
select
    sfid('00Q', id_num) as id,
    versions.v = 0 and u(id_num, 'ldel') < {d.soft_deleted} as is_deleted,
    case when versions.v = 0 and u(id_num, 'ldel') < {d.soft_deleted} / 2
         then sfid('00Q', (i + 1) % {n}) end as master_record_id,
    first_name,
    last_name,
    dirty_email(email, id_num, 'sfl' || versions.v::varchar) as email,
    '+1-555-' || lpad((i % 10000)::varchar, 4, '0') as phone,
    case when u(i, 'ntitle') < {d.null_title} then null
         when versions.v = 1 then pick({lit(vocab.TITLES)}, i, 'oldtitle') else title end as title,
    case when u(i, 'ncomp') < {d.null_company} then null
         when has_account then account_name
         else pick(['Self-employed', 'Freelance', 'n/a'], i, 'pcomp') end as company,
    case when has_account then {_website('email_domain', 'i', 'lweb')} end as website,
    industry,
    employees as number_of_employees,
    employees * 150000.0 as annual_revenue,
    {_country_variant_expr('country_code', 'i', 'lcv', d.null_country)} as country,
    case when country_code = 'US' then pick(['CA', 'NY', 'TX', 'WA'], i, 'state') end as state,
    pick(['Springfield', 'Riverton', 'Lakeside', 'Fairview'], i, 'city') as city,
    lead_source,
    case when versions.v = 1 and n_steps > 1 then status_path[n_steps - 1] else status end as status,
    pick(['Hot', 'Warm', 'Cold'], i, 'rating') as rating,
    sfid('005', owner_k) as owner_id,
    versions.v = 0 and is_converted as is_converted,
    case when versions.v = 0 and is_converted then status_changed_at::date end as converted_date,
    case when versions.v = 0 and is_converted then account_id end as converted_account_id,
    case when versions.v = 0 and is_converted then sfid('003', i) end as converted_contact_id,
    case when versions.v = 0 and is_converted and converted_with_opportunity
         then sfid('006', i) end as converted_opportunity_id,
    is_opted_out as has_opted_out_of_email,
    case when status = 'Unqualified' then pick({lit(vocab.REJECTION_REASON_VARIANTS)}, i, 'rej')
         when status = 'Recycled' then pick({lit(vocab.RECYCLE_REASON_VARIANTS)}, i, 'rej')
         end as rejection_reason_c,
    pick({lit(vocab.PRODUCT_INTERESTS)}, i, 'pi') as product_interest_c,
    future_or(created_at, id_num, 'lfut') as created_date,
    case when versions.v = 1 then ago(status_changed_at, 1 + u(i, 'oldmod')) else status_changed_at
        end as last_modified_date,
    case when versions.v = 1 then ago(status_changed_at, 1 + u(i, 'oldmod'))
         else status_changed_at + interval 1 minute end as system_modstamp,
    case when versions.v = 1 then ago({anchor}, 3) else {synced} end as _fivetran_synced
from lead_people
{_versions('id_num', 'ldup', d.duplicate_versions)}
"""
    contact = f"""
create or replace table raw_salesforce.contact as
select
    sfid('003', i) as id,
    versions.v = 0 and u(i, 'cdel') < {d.soft_deleted} as is_deleted,
    null::varchar as master_record_id,
    case when u(i, 'corph') < {d.orphan_reference} then sfid('001', {cfg.accounts} + i)
         else account_id end as account_id,
    first_name,
    last_name,
    dirty_email(email, i, 'sfc' || versions.v::varchar) as email,
    '+1-555-' || lpad((i % 10000)::varchar, 4, '0') as phone,
    case when u(i, 'ctitle') < {d.null_title} then null else title end as title,
    sfid('005', account_owner_k) as owner_id,
    lead_source,
    is_opted_out and u(i, 'copt') < 0.9 as has_opted_out_of_email,
    case when is_converted then status_changed_at else created_at end as created_date,
    {anchor} - interval 2 day - versions.v * interval 5 day as last_modified_date,
    {anchor} - interval 2 day - versions.v * interval 5 day as system_modstamp,
    ago({anchor}, u(i, 'sync') * 0.2 + versions.v * 3) as _fivetran_synced
from gen_person
{_versions('i', 'cdup', d.duplicate_versions)} and has_sf_contact
"""
    account = f"""
create or replace table raw_salesforce.account as
select
    account_id as id,
    versions.v = 0 and u(j, 'adel') < {d.soft_deleted} as is_deleted,
    name,
    case when u(j, 'nweb') < 0.02 then null else {_website('domain', 'j', 'aweb')} end as website,
    industry,
    case when versions.v = 1 then null else employees end as number_of_employees,
    employees * 150000.0 as annual_revenue,
    {_country_variant_expr('country_code', 'j', 'acv', d.null_country)} as billing_country,
    null::varchar as billing_state,
    account_type as type,
    sfid('005', owner_k) as owner_id,
    case when j > 0 and u(j, 'parent') < 0.05 then sfid('001', j - 1) end as parent_id,
    created_at as created_date,
    ago({anchor}, 10 + versions.v * 30) as last_modified_date,
    ago({anchor}, 10 + versions.v * 30) as system_modstamp,
    ago({anchor}, u(j, 'sync') * 0.2 + versions.v * 3) as _fivetran_synced
from gen_account
{_versions('j', 'adup', d.duplicate_versions)}
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
unioned as (select * from converted union all select * from from_accounts)
select
    id,
    u(k, 'odel') < {d.soft_deleted} / 3 as is_deleted,
    account_id,
    name,
    type,
    case when u_stage < 0.2 then 'Prospecting' when u_stage < 0.4 then 'Discovery'
         when u_stage < 0.55 then 'Proposal' when u_stage < 0.75 then 'Closed Lost'
         else 'Closed Won' end as stage_name,
    round(5000 + u(k, 'amt') * 95000, 2) as amount,
    (created_at + interval 45 day)::date as close_date,
    u_stage >= 0.55 as is_closed,
    u_stage >= 0.75 as is_won,
    sfid('005', owner_k) as owner_id,
    lead_source,
    created_at as created_date,
    created_at + interval 1 day as last_modified_date,
    created_at + interval 1 day as system_modstamp,
    ago({anchor}, u(k, 'sync') * 0.2) as _fivetran_synced
from unioned
"""
    user = f"""
create or replace table raw_salesforce."user" as
select
    user_id as id,
    first_name || ' ' || last_name as name,
    lower(regexp_replace(strip_accents(first_name), '[^A-Za-z]', '', 'g')) || '.'
        || lower(regexp_replace(strip_accents(last_name), '[^A-Za-z]', '', 'g'))
        || k::varchar || '@{vocab.INTERNAL_DOMAIN}' as email,
    title,
    'Sales' as department,
    is_active,
    time_zone as time_zone_sid_key,
    ago({anchor}, 900) as created_date,
    ago({anchor}, 30) as system_modstamp,
    ago({anchor}, 0.1) as _fivetran_synced
from gen_user
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
    select sfid('017', i * 10 + 8), sfid('00Q', i), 'Owner', sfid('005', owner_k),
           sfid('005', (owner_k + 1) % {cfg.users}),
           changed_at + interval 1 minute, sfid('005', owner_k), i
    from stamped where k = 1 and u(i, 'ownchg') < 0.2
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
    id, lead_id, field, old_value, new_value,
    future_or(created_date, i, 'lhfut' || id) as created_date,
    created_by_id,
    u(i, 'lhdel' || id) < 0.002 as is_deleted,
    ago({anchor}, u(i, 'sync') * 0.2) as _fivetran_synced
from unioned
"""
    campaign = f"""
create or replace table raw_salesforce.campaign as
select
    campaign_id as id,
    u(c, 'cdel') < 0.01 as is_deleted,
    campaign_type || ': ' || pick(['Lead scoring', 'Routing', 'SLA', 'RevOps'], c, 'ctopic')
        || ' #' || c::varchar as name,
    campaign_type as type,
    case when start_date > {anchor}::date - 14 then 'In Progress' else 'Completed' end as status,
    start_date,
    start_date + 1 as end_date,
    ago({anchor}, u(c, 'sync') * 0.2) as _fivetran_synced
from gen_campaign
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
)
select
    sfid('00v', m) as id,
    versions.v = 0 and u(m, 'cmdel') < {d.soft_deleted} as is_deleted,
    campaign_id,
    lead_ref as lead_id,
    case when lead_ref is null and u(m, 'cmmiss') >= {d.missing_identity}
         then sfid('003', i) end as contact_id,
    case when versions.v = 1 then 'Registered' else member_status end as status,
    versions.v = 0 and member_status in ('Attended', 'Responded', 'Downloaded') as has_responded,
    case when versions.v = 0 and member_status in ('Attended', 'Responded', 'Downloaded')
         then member_created_at::date end as first_responded_date,
    member_created_at as created_date,
    member_created_at + versions.v * interval 0 day
        + (1 - versions.v) * interval 1 hour as system_modstamp,
    ago({anchor}, u(m, 'sync') * 0.2 + versions.v) as _fivetran_synced
from shaped
{_versions('m', 'cmdup', d.duplicate_versions)}
    and (lead_ref is not null or has_sf_contact or u(m, 'cmmiss') < {d.missing_identity})
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
        case when n_steps >= 2 and u(t, 'touch') < 0.35
             then least({anchor} - interval 1 minute, mql_step_at + to_seconds(3600 *
                  case when u(t, 'tdelay') < 0.7 then 0.05 + 2.95 * u(t, 'tdelay_a')
                       else 3 + 45 * u(t, 'tdelay_b') end))
             else event_at(created_at, t, 'tts') end as touched_at
    from drawn
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
    split_part(type_subject, '|', 1) as type,
    case split_part(type_subject, '|', 1) when 'Call' then 'Call' when 'Email' then 'Email'
         else 'Task' end as task_subtype,
    'Completed' as status,
    future_or(touched_at, t, 'tfut')::date as activity_date,
    future_or(touched_at, t, 'tfut') as created_date,
    touched_at + interval 1 minute as system_modstamp,
    ago({anchor}, u(t, 'sync') * 0.2) as _fivetran_synced
from timed
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


def hubspot_sql(cfg: GeneratorConfig) -> list[tuple[str, str]]:
    d = cfg.dirt
    n = cfg.leads
    anchor = f"timestamp '{cfg.anchor_date.isoformat()} 00:00:00'"
    merged = f"u(i, 'merged') < {d.hubspot_merged}"
    contact = f"""
create or replace table raw_hubspot.contact as
with survivors as (
    select
        hubspot_contact_id as id,
        versions.v,
        versions.v = 0 and u(i, 'hdel') < {d.soft_deleted} as is_deleted,
        case when versions.v = 0 and {merged}
             then (9000000 + i)::varchar
                  || case when u(i, 'merged2') < 0.3 then ';' || (9500000 + i)::varchar else '' end
        end as merged_ids,
        p.*
    from gen_hs_person as p
    {_versions('i', 'hdup', d.duplicate_versions)}
),
losers as (
    select 9000000 + i as id, 0 as v, true as is_deleted, null as merged_ids, p.*
    from gen_hs_person as p
    where {merged} and u(i, 'loserrow') < 0.5
),
unioned as (select * from survivors union all select * from losers)
select
    id,
    is_deleted as _fivetran_deleted,
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
    merged_ids as property_hs_merged_object_ids,
    case when has_account then hubspot_company_id end as property_associatedcompanyid,
    future_or(created_at + interval 3 minute, i, 'hfut') as property_createdate,
    status_changed_at + interval 5 minute - v * interval 7 day as property_lastmodifieddate,
    ago({anchor}, u(i, 'sync') * 0.2 + v * 3) as _fivetran_synced
from unioned
"""
    property_history = f"""
create or replace table raw_hubspot.contact_property_history as
with steps as (
    select
        i, created_at, status_path, n_steps, hubspot_contact_id, status_changed_at, response_step_at,
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
    -- the rep's reason for the exit, in the same free text Salesforce carries
    select ref_id, 'rejection_reason',
           case status_path[n_steps]
               when 'Unqualified' then pick({lit(vocab.REJECTION_REASON_VARIANTS)}, i, 'rej')
               else pick({lit(vocab.RECYCLE_REASON_VARIANTS)}, i, 'rej') end,
           changed_at, i, k
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
    ago({anchor}, u(i, 'sync') * 0.2) as _fivetran_synced
from props
"""
    company = f"""
create or replace table raw_hubspot.company as
select
    hubspot_company_id as id,
    u(j, 'hcdel') < {d.soft_deleted} as _fivetran_deleted,
    name as property_name,
    case when u(j, 'hcwww') < 0.1 then 'www.' || domain else domain end as property_domain,
    industry as property_industry,
    employees as property_numberofemployees,
    {_country_variant_expr('country_code', 'j', 'hccv', d.null_country)} as property_country,
    case when account_type = 'Customer' then 'customer' else 'lead' end as property_lifecyclestage,
    (5000 + owner_k)::varchar as property_hubspot_owner_id,
    created_at as property_createdate,
    ago({anchor}, u(j, 'sync') * 0.2) as _fivetran_synced
from gen_account
where u(j, 'hsco') < 0.6
"""
    owner = f"""
create or replace table raw_hubspot.owner as
select
    hubspot_owner_id as owner_id,
    lower(regexp_replace(strip_accents(first_name), '[^A-Za-z]', '', 'g')) || '.'
        || lower(regexp_replace(strip_accents(last_name), '[^A-Za-z]', '', 'g'))
        || k::varchar || '@{vocab.INTERNAL_DOMAIN}' as email,
    first_name,
    last_name,
    is_active,
    ago({anchor}, 0.1) as _fivetran_synced
from gen_user
"""
    n_email = max(1, round(n * cfg.events_per_lead * 0.25))
    unknown = d.unknown_person_events
    email_event = f"""
create or replace table raw_hubspot.email_event as
with drawn as (
    select e, p.i, p.email, p.created_at, u(e, 'eet') as u_type
    from {numbers(n_email, 'e')}
    inner join gen_hs_person as p
        on p.rn = hash(e, 'eep', {cfg.seed}) % getvariable('n_hs')
)
select
    'ee-' || e::varchar as id,
    case when u_type < 0.010 then 'BOUNCE' when u_type < 0.011 then 'SPAMREPORT'
         when u_type < 0.014 then 'UNSUBSCRIBE'
         else pick({lit(vocab.EMAIL_EVENT_TYPES)}, e, 'eetype') end as type,
    case when u(e, 'eemiss') < {d.missing_identity} then null
         when u(e, 'eeunk') < {unknown} then 'nobody' || e::varchar || '@example.org'
         else dirty_email(email, e, 'eem') end as recipient,
    future_or({event_time(cfg, 'created_at', 'i', 'e', 'eets', n_email, 'n_hs')}, e, 'eefut') as created,
    (hash(e, 'eec', {cfg.seed}) % 300)::bigint as email_campaign_id,
    case when u_type >= 0.014 and pick({lit(vocab.EMAIL_EVENT_TYPES)}, e, 'eetype') = 'CLICK'
         then 'https://www.{vocab.INTERNAL_DOMAIN}' || pick({lit(vocab.PAGE_PATHS)}, e, 'eeurl')
    end as url,
    ago({anchor}, u(e, 'sync') * 0.2) as _fivetran_synced
from drawn
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
)
select
    case when u(f, 'fmiss') < {d.missing_identity} then null
         when u(f, 'forph') < {d.orphan_reference} then 8500000 + f
         when {merged} and u(f, 'floser') < 0.3 then 9000000 + i
         else hubspot_contact_id end as contact_id,
    'conv-' || f::varchar as conversion_id,
    'form-' || page_k::varchar as form_id,
    future_or({event_time(cfg, 'created_at', 'i', 'f', 'fts', n_forms, 'n_hs')}, f, 'ffut') as "timestamp",
    'https://www.{vocab.INTERNAL_DOMAIN}' || {lit(form_paths)}[page_k] as page_url,
    {lit(form_titles)}[page_k] as title,
    ago({anchor}, u(f, 'sync') * 0.2) as _fivetran_synced
from drawn
"""
    return [
        ("raw_hubspot.contact", contact),
        ("raw_hubspot.contact_property_history", property_history),
        ("raw_hubspot.company", company),
        ("raw_hubspot.owner", owner),
        ("raw_hubspot.email_event", email_event),
        ("raw_hubspot.contact_form_submission", forms),
    ]


def segment_sql(cfg: GeneratorConfig) -> list[tuple[str, str]]:
    d = cfg.dirt
    n = cfg.leads
    anchor = f"timestamp '{cfg.anchor_date.isoformat()} 00:00:00'"
    internal_email = (
        "lower(regexp_replace(strip_accents(pick(" + lit(vocab.FIRST_NAMES) + ", k, 'ifn')), "
        "'[^A-Za-z]', '', 'g')) || '.staff' || k::varchar || '@" + vocab.INTERNAL_DOMAIN + "'"
    )
    identifies = f"""
create or replace table raw_segment.identifies as
select
    'idf-' || i::varchar as id,
    'anon-' || i::varchar as anonymous_id,
    'usr-' || i::varchar as user_id,
    dirty_email(email, i, 'sgi') as email,
    least(identified_at, {anchor} - interval 1 hour) as "timestamp",
    least(identified_at, {anchor} - interval 1 hour) + interval 2 second as received_at
from gen_seg_person
union all
select
    'idf2-' || i::varchar, 'anon-' || i::varchar || '-m', 'usr-' || i::varchar,
    email,
    least(identified_at + interval 5 day, {anchor} - interval 1 hour),
    least(identified_at + interval 5 day, {anchor} - interval 1 hour) + interval 2 second
from gen_seg_person
where u(i, 'dev2') < 0.2
union all
select
    'idf-int-' || k::varchar, 'anon-int-' || k::varchar, 'usr-int-' || k::varchar,
    {internal_email},
    ago({anchor}, 700), ago({anchor}, 700)
from range({cfg.internal_users}) as t(k)
"""
    n_pages = max(1, round(n * cfg.events_per_lead * 0.55))
    internal = d.internal_pageviews
    unknown = internal + d.unknown_person_events
    bot = unknown + d.bot_pageviews
    missing = bot + d.missing_identity
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
        pick({lit(vocab.PAGE_PATHS)}, e, 'ppath') as path
    from actors
)
select
    'pg-' || e::varchar as id,
    anon as anonymous_id,
    uid as user_id,
    ts as "timestamp",
    ts + to_seconds(u(e, 'prcv') * 30 + versions.v * 3600) as received_at,
    path as context_page_path,
    'https://www.{vocab.INTERNAL_DOMAIN}' || path as context_page_url,
    pick([null, 'https://www.google.com/', 'https://www.linkedin.com/', 'https://news.ycombinator.com/'],
         e, 'pref') as context_page_referrer,
    case when actor = 'bot' then pick({lit(vocab.BOT_USER_AGENTS)}, e, 'pbua')
         else pick({lit(vocab.USER_AGENTS)}, e, 'pua') end as context_user_agent,
    case when actor = 'internal' then '10.20.' || (k % 250)::varchar || '.7'
         else '198.51.' || (hash(e, 'pip1', {cfg.seed}) % 250)::varchar || '.'
              || (hash(e, 'pip2', {cfg.seed}) % 250)::varchar end as context_ip,
    cap(replace(trim(path, '/'), '-', ' ')) as name
from shaped
{_versions('e', 'pdupe', d.duplicate_events)}
"""
    n_tracks = max(1, round(n * cfg.events_per_lead * 0.10))
    track_at = event_time(cfg, f"least(identified_at, {anchor} - interval 1 hour)", "i", "e", "tts", n_tracks, "n_seg")
    tracks = f"""
create or replace table raw_segment.tracks as
with drawn as (
    select e, u(e, 'tactor') as u_actor, p.i, p.identified_at,
           pick({lit(vocab.TRACK_EVENTS)}, e, 'tev') as event
    from {numbers(n_tracks, 'e')}
    inner join gen_seg_person as p
        on p.rn = hash(e, 'tsp', {cfg.seed}) % getvariable('n_seg')
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
    event,
    event as event_text,
    future_or({track_at}, e, 'tfut')
        as "timestamp",
    future_or({track_at}, e, 'tfut')
        + interval 1 second as received_at,
    pick({lit(vocab.PLANS)}, i, 'tplan') as properties_plan,
    case when event = 'Feature Activated' then pick({lit(vocab.FEATURES)}, e, 'tfeat')
        end as properties_feature
from drawn
"""
    return [
        ("raw_segment.identifies", identifies),
        ("raw_segment.pages", pages),
        ("raw_segment.tracks", tracks),
    ]
