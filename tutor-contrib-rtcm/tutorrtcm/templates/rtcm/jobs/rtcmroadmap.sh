# rtcm-xblocks: the regional training-needs roadmap (printable HTML, CSV, XLSX) into the LMS's data volume
output=/openedx/data/rtcm-roadmap
mkdir -p "$output"
python ./manage.py lms rtcm_roadmap --output "$output" --language @LANGUAGE@ @COURSES@
echo "INFO: the roadmap report is in $output (tutor's data folder: data/lms/rtcm-roadmap)"
