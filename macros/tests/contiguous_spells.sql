{#-
    Generic test for SCD2 spells: within each `partition_by`, ordered by `valid_from_column`,
    every spell starts before it ends, ends exactly where the next one starts (no gap, no
    overlap), and only the last one is open (null end). Fails listing each offending spell
    with the next one's start.
-#}
{% test contiguous_spells(model, partition_by, valid_from_column='valid_from', valid_to_column='valid_to') %}
    with ordered as (
        select
            *,
            lead({{ valid_from_column }}) over (
                partition by {{ partition_by }} order by {{ valid_from_column }}
            ) as next_valid_from,
            count(*) over (
                partition by {{ partition_by }}, {{ valid_from_column }}
            ) as spells_starting_together
        from {{ model }}
    )

    select *
    from ordered
    where
        spells_starting_together > 1
        or ({{ valid_to_column }} is not null and {{ valid_to_column }} <= {{ valid_from_column }})
        or ({{ valid_to_column }} is null and next_valid_from is not null)
        or ({{ valid_to_column }} is not null and next_valid_from is null)
        or {{ valid_to_column }} <> next_valid_from
{% endtest %}
