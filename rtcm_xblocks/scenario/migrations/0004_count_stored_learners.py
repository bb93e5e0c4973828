"""Count the learners already stored (rows written before the analytics existed), so that the kept counts start exact."""
from django.db import migrations

from rtcm_xblocks.scenario import analytics


def count_stored_learners(apps, schema_editor):  # pylint: disable=unused-argument
    """Add every stored learner's tally to the counts of their block, block by block."""
    learner_state = apps.get_model("rtcm_scenario", "LearnerState")
    analytics_count = apps.get_model("rtcm_scenario", "AnalyticsCount")
    blocks = learner_state.objects.order_by().values_list("block_key", flat=True).distinct()
    for block in list(blocks):
        states = learner_state.objects.filter(block_key=block).values_list("state", flat=True).iterator(chunk_size=2000)
        analytics_count.objects.filter(block_key=block).delete()
        analytics_count.objects.bulk_create(
            [analytics_count(block_key=block, kind=kind, digest=digest, parts=text, value=value)
             for (kind, parts), value in analytics.total(states).items() for digest, text in (analytics.encode(parts),)],
            batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("rtcm_scenario", "0003_count_trigger"),
    ]

    operations = [
        migrations.RunPython(count_stored_learners, migrations.RunPython.noop),
    ]
