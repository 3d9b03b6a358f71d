{#- Generic test: the [lower, upper] ranges of a table never overlap; fails listing each overlapping pair. -#}
{% test non_overlapping_ranges(model, lower_column, upper_column) %}
    select
        a.{{ lower_column }} as lower_a,
        a.{{ upper_column }} as upper_a,
        b.{{ lower_column }} as lower_b,
        b.{{ upper_column }} as upper_b
    from {{ model }} as a
    inner join {{ model }} as b
        on a.{{ lower_column }} < b.{{ lower_column }}
        and b.{{ lower_column }} <= a.{{ upper_column }}
{% endtest %}
