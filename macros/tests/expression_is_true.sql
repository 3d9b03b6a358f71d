{#-
    Generic test: every row satisfies `expression` (optionally only rows matching `where`).
    Fails returning the offending rows, so the failure names the records.
-#}
{% test expression_is_true(model, expression) %}
    select *
    from {{ model }}
    where not coalesce(({{ expression }}), false)
{% endtest %}
