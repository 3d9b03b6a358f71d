{#- True for a row of int_identity__handle_changes that records a change, false for the history's
    first snapshot: the first run of the history (a full build) records every handle it finds at
    revision 0 at its as_of, and those rows are no change of anyone's events. `history` is the
    alias of the handle-history rows; `first_changed_at` the history's earliest changed_at.
    Used by int_intent__scored_events (which handles its last run may not have read) and by
    leadflow.routing_decision_people (whose decisions a handle change in the window touches). -#}
{% macro is_recorded_handle_change(history, first_changed_at) -%}
    ({{ history }}.revision > 0 or {{ history }}.changed_at > {{ first_changed_at }})
{%- endmacro %}
