"""The database adds each write's change to the analytics counts, in the statement that writes the learner's row.

Every write of a learner's row (scenario.storage) sets its `counted` column to
``{"v": <the row's new version>, "c": [[kind, digest, parts, change], …]}``; a trigger after the
INSERT or UPDATE adds each change to the block's AnalyticsCount rows with one multi-row
``INSERT … ON CONFLICT DO UPDATE SET value = value + excluded.value``. The move and its counts are
therefore one statement, atomic on its own, and a write that leaves `counted` as it was (a
retirement bumps the version only) adds nothing, since `v` no longer matches the version.
Installed on SQLite and PostgreSQL (`storage.TRIGGERED_VENDORS`); on MySQL, where creating a
trigger needs privileges an Open edX database user often lacks with binary logging on, the
storage adds the counts itself in the write's transaction instead.
"""
from django.db import migrations

STATE = "rtcm_scenario_learnerstate"
COUNTS = "rtcm_scenario_analyticscount"

SQLITE = [f"""
CREATE TRIGGER rtcm_scenario_counted_{event.lower()} AFTER {event} ON {STATE}
WHEN json_extract(NEW.counted, '$.v') = NEW.version
BEGIN
  INSERT INTO {COUNTS} (block_key, kind, digest, parts, value)
  SELECT NEW.block_key, json_extract(c.value, '$[0]'), json_extract(c.value, '$[1]'), json_extract(c.value, '$[2]'),
         json_extract(c.value, '$[3]')
  FROM json_each(NEW.counted, '$.c') AS c WHERE true
  ON CONFLICT (block_key, kind, digest) DO UPDATE SET value = {COUNTS}.value + excluded.value;
END""" for event in ("INSERT", "UPDATE")]

POSTGRESQL = [f"""
CREATE FUNCTION rtcm_scenario_add_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF COALESCE((NEW.counted::jsonb ->> 'v')::bigint = NEW.version, false) THEN
    INSERT INTO {COUNTS} (block_key, kind, digest, parts, value)
    SELECT NEW.block_key, c ->> 0, c ->> 1, c ->> 2, (c ->> 3)::bigint
    FROM jsonb_array_elements(NEW.counted::jsonb -> 'c') AS c
    ORDER BY c ->> 0, c ->> 1
    ON CONFLICT (block_key, kind, digest) DO UPDATE SET value = {COUNTS}.value + excluded.value;
  END IF;
  RETURN NULL;
END
$$""", f"""
CREATE TRIGGER rtcm_scenario_counted AFTER INSERT OR UPDATE ON {STATE}
FOR EACH ROW EXECUTE FUNCTION rtcm_scenario_add_counted()"""]

DROP = {
    "sqlite": ["DROP TRIGGER IF EXISTS rtcm_scenario_counted_insert", "DROP TRIGGER IF EXISTS rtcm_scenario_counted_update"],
    "postgresql": [f"DROP TRIGGER IF EXISTS rtcm_scenario_counted ON {STATE}", "DROP FUNCTION IF EXISTS rtcm_scenario_add_counted()"],
}


def install(apps, schema_editor):  # pylint: disable=unused-argument
    for statement in {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def remove(apps, schema_editor):  # pylint: disable=unused-argument
    for statement in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("rtcm_scenario", "0002_analytics_counts"),
    ]

    operations = [
        migrations.RunPython(install, remove),
    ]
