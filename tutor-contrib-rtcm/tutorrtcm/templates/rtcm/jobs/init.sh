# rtcm-xblocks: the tables of both blocks (plugin apps, so they are in INSTALLED_APPS): the self-assessment's
# submissions and cohort figures, and the scenario learners' state
./manage.py lms migrate rtcm_needs --noinput
./manage.py lms migrate rtcm_scenario --noinput
