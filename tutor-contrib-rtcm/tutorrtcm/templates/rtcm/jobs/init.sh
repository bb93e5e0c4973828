# rtcm-xblocks: the training-needs block's tables (the app is an LMS plugin app, so it is in INSTALLED_APPS)
./manage.py lms migrate rtcm_needs --noinput
