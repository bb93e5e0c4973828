# rtcm-xblocks: import the starter course that travels inside the installed package
data=/tmp/rtcm-course
rm -rf "$data"
course_dir="$(python -m rtcm_xblocks.starter_course extract "$data" --course-key @COURSE_KEY@ --language @LANGUAGE@)"
echo "INFO: importing the RTCM starter course from $data/$course_dir as "@COURSE_KEY@
python ./manage.py cms import "$data" "$course_dir"
rm -rf "$data"
