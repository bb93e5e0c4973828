"""User retirement: when the LMS retires a learner's account, remove or redact what our apps store of them.

The LMS's retirement pipeline (the ``retire_misc`` step, ``AccountRetirementView``'s neighbour in
``openedx/core/djangoapps/user_api/accounts/views.py``) sends ``USER_RETIRE_LMS_MISC`` with the
``user`` being retired, as edx-platform's survey and program-enrollment apps receive it. Our
receiver (connected in the apps' ``ready()`` only where that signal module can be imported, that
is inside edx-platform) calls `retire_learner` with the user's id:

* the needs assessment's ``Submission`` rows of the learner are deleted and their exact
  contribution subtracted from the cohort aggregates (`needs.storage.retire_learner`), so every
  cohort figure stays what a recomputation from the remaining submissions gives;
* the scenario's ``LearnerState`` rows keep the attempts (steps, choices, scores) but lose their
  free text, the reflections (`scenario.storage.retire_learner`);
* the scenario's ``CompetencyResult`` rows of the learner (what they demonstrated per competency,
  which the self-assessment shows beside their self-rating) are deleted
  (`scenario.competencies.retire`): derived from the attempts, they can be recorded again only by a
  new attempt, which a retired account never makes;
* the copies our blocks mirror into the learner's field state for the LMS's reports (the
  platform's ``StudentModule`` rows of our block types, which the platform's retirement keeps)
  lose the same: the needs block's mirrored submission (ratings, profile, role) entirely, the
  scenario's reflections (`redact_student_modules`).

All of it runs under row locks and is serialised with learners' own writes (a scenario move read
before it starts again after it), and running it twice changes nothing.
"""
import json
import logging

__all__ = ["SIGNAL_MODULE", "STUDENT_MODULE", "connect", "retire_learner", "receive_retirement",
           "redact_student_modules", "redact_field_state"]

SIGNAL_MODULE = "openedx.core.djangoapps.user_api.accounts.signals"
STUDENT_MODULE = "lms.djangoapps.courseware.models"
NEEDS = "rtcm_needs_assessment"
SCENARIO = "rtcm_scenario"
DISPATCH_UID = "rtcm_xblocks.retire_learner"
log = logging.getLogger(__name__)


def retire_learner(user_id):
    """Remove the needs submissions and competency results, and redact the scenario reflections, of user `user_id`; the counts."""
    # Imported here: the models can only be imported once the apps are ready.
    from rtcm_xblocks.needs import storage as needs_storage  # pylint: disable=import-outside-toplevel
    from rtcm_xblocks.scenario import competencies  # pylint: disable=import-outside-toplevel
    from rtcm_xblocks.scenario import storage as scenario_storage  # pylint: disable=import-outside-toplevel
    learner = str(user_id)
    return {"submissions_removed": needs_storage.retire_learner(learner),
            "reflections_redacted": scenario_storage.retire_learner(learner),
            "competency_results_removed": competencies.retire(learner),
            "field_states_redacted": redact_student_modules(user_id)}


def redact_field_state(block_type, state):
    """A block's field state (StudentModule JSON, as a dict) without the learner's free text and answers."""
    if block_type == NEEDS:
        return {key: value for key, value in state.items() if key != "user_state"}
    if block_type == SCENARIO:
        mirror = state.get("user_state")
        attempts = mirror.get("attempts") if isinstance(mirror, dict) else None
        if isinstance(attempts, list):
            attempts = [dict(item, reflection="") if isinstance(item, dict) and item.get("reflection") else item
                        for item in attempts]
            return dict(state, user_state=dict(mirror, attempts=attempts))
    return state


def redact_student_modules(user_id):
    """Redact the learner's StudentModule rows of our block types (only inside the LMS); how many changed."""
    try:
        student_module = __import__(STUDENT_MODULE, fromlist=["StudentModule"]).StudentModule
    except (ImportError, AttributeError):
        return 0
    changed = 0
    for module in student_module.objects.filter(student_id=user_id, module_type__in=[NEEDS, SCENARIO]):
        try:
            state = json.loads(module.state or "{}")
        except ValueError:
            continue
        redacted = redact_field_state(module.module_type, state)
        if redacted != state:
            module.state = json.dumps(redacted)
            module.save()
            changed += 1
    return changed


def receive_retirement(sender, user=None, **kwargs):  # pylint: disable=unused-argument
    """The receiver of ``USER_RETIRE_LMS_MISC``: retire what we store of `user`."""
    if user is None:
        return
    counts = retire_learner(user.id)
    log.info("Retired rtcm-xblocks data of user %s: %s", user.id, counts)


def connect():
    """Connect `receive_retirement` to the LMS's retirement signal when the platform provides it; True if so."""
    try:
        signals = __import__(SIGNAL_MODULE, fromlist=["USER_RETIRE_LMS_MISC"])
        signal = signals.USER_RETIRE_LMS_MISC
    except (ImportError, AttributeError):
        return False
    signal.connect(receive_retirement, dispatch_uid=DISPATCH_UID)
    return True
