"""The training-needs self-assessment: framework, scoring, cohort aggregates, OLX and the XBlock."""
