{#-
    One row per calendar day, the time spine MetricFlow needs for the semantic layer: from the
    first day of `semantic_time_spine_start` to a year after as_of.
-#}
with

bounds as (
    select
        cast('{{ var("semantic_time_spine_start") }}' as date) as first_day,
        {{ leadflow.add_days('cast(' ~ leadflow.as_of() ~ ' as date)', 366) }} as last_day
),

day_numbers as (
    select
        first_day,
        {{ leadflow.day_offsets('first_day', 'last_day') }} as day_number
    from bounds
),

final as (
    select cast({{ leadflow.add_days('first_day', 'day_number') }} as date) as date_day
    from day_numbers
)

select * from final
