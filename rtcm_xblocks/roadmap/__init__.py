"""The regional training-needs roadmap: every self-assessment's released figures, across courses, for the centre's staff."""
