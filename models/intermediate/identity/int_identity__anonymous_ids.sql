{{ config(enabled=var('using_segment', true)) }}
{#-
    Which person an anonymous Segment id (a browser or device) belongs to: the person of the
    first identify call that carried it. Page views and tracks recorded before that identify
    carry only the anonymous_id; joining them through this model attributes their whole history
    to the person. An anonymous id identified as several users (a shared device) keeps the
    first one; `identified_user_count` shows how many claimed it.
-#}
with

identifies as (
    select * from {{ ref('stg_segment__identifies') }}
),

person_keys as (
    select * from {{ ref('int_identity__person_keys') }}
),

identified as (
    select
        identifies.anonymous_id,
        identifies.user_id,
        identifies.identified_at,
        person_keys.lead_key,
        row_number() over (
            partition by identifies.anonymous_id
            order by identifies.identified_at, identifies.identify_id
        ) as identify_rank,
        {{ leadflow.count_distinct_over('identifies.user_id', 'identifies.anonymous_id') }}
            as identified_user_count
    from identifies
    inner join person_keys
        on person_keys.record_key = case
            when identifies.user_id is not null then 'segment_user:' || identifies.user_id
            else 'segment_anonymous:' || identifies.anonymous_id
        end
    where identifies.anonymous_id is not null
),

final as (
    select
        anonymous_id,
        user_id,
        lead_key,
        identified_at as first_identified_at,
        identified_user_count
    from identified
    where identify_rank = 1
)

select * from final
