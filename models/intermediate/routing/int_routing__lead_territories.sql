{#-
    The territory of every lead (dim_leads): the sales region of their country
    (seeds/country_aliases.csv) and the territory that covers it (seeds/territories.csv: a
    country row wins over a region row). Routing sends territory leads to its team; SLA clocks
    run on that team's business hours. People without a recognised country have no territory.
-#}
with

leads as (
    select * from {{ ref('dim_leads') }}
),

territories as (
    select * from {{ ref('territories') }}
),

regions as (
    select distinct
        country_code,
        region
    from {{ ref('country_aliases') }}
),

located as (
    select
        leads.lead_key,
        leads.country_code,
        regions.region
    from leads
    left join regions
        on leads.country_code = regions.country_code
),

matches as (
    select
        located.lead_key,
        territories.territory_id,
        territories.team,
        row_number() over (
            partition by located.lead_key
            order by case when territories.country_code is not null then 0 else 1 end, territories.territory_id
        ) as territory_rank
    from located
    inner join territories
        on
            located.country_code = territories.country_code
            or (territories.country_code is null and located.region = territories.region)
),

final as (
    select
        located.lead_key,
        located.country_code,
        located.region,
        matches.territory_id,
        matches.team as territory_team
    from located
    left join matches
        on located.lead_key = matches.lead_key and matches.territory_rank = 1
)

select * from final
