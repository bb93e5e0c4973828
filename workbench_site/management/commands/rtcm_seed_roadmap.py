"""``python manage.py rtcm_seed_roadmap``: store the roadmap's demo cohort in the workbench (see workbench_site.demo)."""
from django.core.management.base import BaseCommand

from workbench_site.demo import seed_demo


class Command(BaseCommand):
    """Seed the demo cohort: six course runs, pre- and post-course self-assessments, released and described."""

    help = "Store a demo cohort of self-assessments for the roadmap (/rtcm/roadmap/?student=staff)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="Seed of the pseudo-random cohort.")
        parser.add_argument("--runs", type=int, default=6, help="How many of the six demo course runs to store.")

    def handle(self, *args, **options):
        keys = seed_demo(options["seed"], runs=options["runs"])
        self.stdout.write(f"{len(keys)} self-assessment blocks seeded; open /rtcm/roadmap/?student=staff")
